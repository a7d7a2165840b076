package io.vmcored.deploy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.redline_rpm.Builder;
import org.redline_rpm.header.Architecture;
import org.redline_rpm.header.Flags;
import org.redline_rpm.header.Os;
import org.redline_rpm.header.RpmType;
import org.redline_rpm.payload.Directive;

/**
 * Writes the noarch RPM with redline (Java only: no rpmbuild needed): the same files as the
 * Debian package at Fedora/RHEL paths, scriptlets from {@code src/rpm}, and a Java >= 17
 * runtime as dependency.
 *
 * <p>Arguments: module directory, server jar, generated files (man page, configuration,
 * Debian changelog), package version ({@code 0.1.0~SNAPSHOT}), output directory.
 */
public final class RpmPackage {

    private static final Directive CONFIG = new Directive(Directive.RPMFILE_CONFIG | Directive.RPMFILE_NOREPLACE);

    private RpmPackage() {
    }

    public static void main(String[] args) throws Exception {
        Path module = Path.of(args[0]);
        File jar = new File(args[1]);
        Path generated = Path.of(args[2]);
        String version = args[3];
        Path out = Path.of(args[4]);
        Path src = module.resolve("src");

        Builder b = new Builder();
        b.setPackage("vmcored", version, "1");
        b.setType(RpmType.BINARY);
        b.setPlatform(Architecture.NOARCH, Os.LINUX);
        b.setSummary("Central kdump crash-dump collector");
        b.setDescription(String.join("\n",
                "vmcored receives the dumps that kdump capture kernels stream over the network",
                "(makedumpfile -F through ssh, raw TCP or HTTP), rearranges each one while it",
                "streams into a normal kdump-compressed or ELF dump, byte for byte what",
                "makedumpfile -R writes, extracts the kernel log and a crash signature, and",
                "serves the dumps through an HTTP API with Prometheus metrics."));
        b.setLicense("Apache-2.0");
        b.setGroup("System Environment/Daemons");
        b.setPackager("vmcored developers <dev@vmcored.io>");
        b.setVendor("vmcored");
        b.setBuildHost("localhost");
        b.setSourceRpm("vmcored-" + version + "-1.src.rpm");

        // Fedora and RHEL's OpenJDK packages provide java-headless = 1:<feature version>
        b.addDependencyMore("java-headless", "1:17");
        b.addDependency("/bin/sh", Flags.SCRIPT_PRE | Flags.SCRIPT_POST | Flags.SCRIPT_PREUN | Flags.SCRIPT_POSTUN, "");
        b.addDependency("shadow-utils", Flags.SCRIPT_PRE, "");

        b.setPreInstallScript(src.resolve("rpm/pre.sh").toFile());
        b.setPostInstallScript(src.resolve("rpm/post.sh").toFile());
        b.setPreUninstallScript(src.resolve("rpm/preun.sh").toFile());
        b.setPostUninstallScript(src.resolve("rpm/postun.sh").toFile());

        // the file system's directories, which other packages own: not listed as this package's
        for (String dir : new String[] {"/etc/sysconfig", "/usr/lib/systemd", "/usr/lib/systemd/system",
            "/usr/lib/sysusers.d", "/usr/lib/tmpfiles.d", "/usr/share/doc", "/usr/share/licenses", "/usr/share/man",
            "/usr/share/man/man8"}) {
            b.addBuiltinDirectory(dir);
        }
        b.addDirectory("/usr/lib/vmcored", 0755, Directive.NONE, "root", "root", false);
        b.addFile("/usr/lib/vmcored/vmcored.jar", jar, 0644);
        b.addFile("/usr/bin/vmcored", src.resolve("pkg/vmcored").toFile(), 0755);
        b.addFile("/usr/lib/systemd/system/vmcored.service", module.resolve("vmcored.service").toFile(), 0644);
        b.addFile("/usr/lib/sysusers.d/vmcored.conf", src.resolve("pkg/vmcored.sysusers").toFile(), 0644);
        b.addFile("/usr/lib/tmpfiles.d/vmcored.conf", src.resolve("pkg/vmcored.tmpfiles").toFile(), 0644);
        b.addDirectory("/etc/vmcored", 0755, Directive.NONE, "root", "root", false);
        // holds tokens once configured: the service's group may read it, other users not
        b.addFile("/etc/vmcored/vmcored.properties", generated.resolve("vmcored.properties").toFile(), 0640, -1,
                CONFIG, "root", "vmcored");
        b.addFile("/etc/sysconfig/vmcored", src.resolve("pkg/vmcored.default").toFile(), 0644, -1, CONFIG, "root", "root");
        b.addFile("/usr/share/man/man8/vmcored.8.gz", generated.resolve("vmcored.8.gz").toFile(), 0644);
        b.addDirectory("/usr/share/doc/vmcored", 0755, Directive.NONE, "root", "root", false);
        for (String doc : new String[] {"install.md", "server.md", "cli.md", "ssh.md", "metrics.md"}) {
            b.addFile("/usr/share/doc/vmcored/" + doc, module.resolve("../docs/" + doc).toFile(), 0644, Directive.DOC);
        }
        b.addDirectory("/usr/share/licenses/vmcored", 0755, Directive.NONE, "root", "root", false);
        b.addFile("/usr/share/licenses/vmcored/LICENSE", module.resolve("../LICENSE").toFile(), 0644, Directive.LICENSE);

        Files.createDirectories(out);
        System.out.println("RPM: " + out.resolve(b.build(out.toFile())));
    }
}
