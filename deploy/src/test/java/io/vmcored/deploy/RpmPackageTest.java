package io.vmcored.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.protocol.testsupport.Processes;
import io.vmcored.protocol.testsupport.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The noarch RPM, written by redline without rpmbuild, read back with rpm itself (Debian's
 * package rpm): its digests verify, it holds exactly the files of the Debian package at
 * Fedora/RHEL paths with their modes and owners, the configuration is marked noreplace, the
 * jar is the one the server module built, it needs a Java >= 17 runtime, and its scriptlets
 * create the account before the files it owns and never remove the spool.
 */
class RpmPackageTest {

    private static final Duration T = Duration.ofSeconds(120);

    @Test
    void rpmReadsTheFilesScriptletsAndDependencies() throws Exception {
        Requirements.requirePrograms("rpm");
        String rpm = Built.rpm().toString();

        String check = Processes.run(T, "rpm", "-Kv", "--nosignature", rpm).ok().out();
        assertTrue(check.contains("Header SHA256 digest: OK") && check.contains("Payload SHA256 digest: OK"), check);

        String info = Processes.run(T, "rpm", "-qp", "--queryformat",
                "%{NAME} %{VERSION} %{RELEASE} %{ARCH} %{LICENSE}\\n", rpm).ok().out().strip();
        assertEquals("vmcored " + Built.version() + " 1 noarch Apache-2.0", info);

        Set<String> files = new TreeSet<>(Arrays.asList(Processes.run(T, "rpm", "-qlp", rpm).ok().out().split("\n")));
        Set<String> expected = new TreeSet<>(List.of(
                "/usr/lib/vmcored", "/usr/lib/vmcored/vmcored.jar", "/usr/bin/vmcored",
                "/usr/lib/systemd/system/vmcored.service", "/usr/lib/sysusers.d/vmcored.conf",
                "/usr/lib/tmpfiles.d/vmcored.conf", "/etc/vmcored", "/etc/vmcored/vmcored.properties",
                "/etc/sysconfig/vmcored", "/usr/share/man/man8/vmcored.8.gz", "/usr/share/doc/vmcored",
                "/usr/share/doc/vmcored/install.md", "/usr/share/doc/vmcored/server.md", "/usr/share/doc/vmcored/cli.md",
                "/usr/share/doc/vmcored/ssh.md", "/usr/share/doc/vmcored/metrics.md", "/usr/share/licenses/vmcored",
                "/usr/share/licenses/vmcored/LICENSE"));
        assertEquals(expected, files, "rpm -qlp");

        // path size mtime digest mode owner group isconfig isdoc rdev symlink
        String dump = Processes.run(T, "rpm", "-qp", "--dump", rpm).ok().out();
        assertTrue(dump.lines().anyMatch(l -> l.startsWith("/usr/bin/vmcored ") && l.contains(" 0100755 root root ")),
                dump);
        assertTrue(dump.lines().anyMatch(l -> l.startsWith("/etc/vmcored/vmcored.properties ")
                && l.contains(" 0100640 root vmcored 1 ")), "configuration 0640 root:vmcored, a config file: " + dump);
        String jarLine = dump.lines().filter(l -> l.startsWith("/usr/lib/vmcored/vmcored.jar ")).findFirst().orElseThrow();
        assertEquals(sha256(Built.jar()), jarLine.split(" ")[3], "the jar the server module built");

        Set<String> config = new TreeSet<>(Arrays.asList(Processes.run(T, "rpm", "-qp", "--configfiles", rpm).ok().out().split("\n")));
        assertEquals(Set.of("/etc/vmcored/vmcored.properties", "/etc/sysconfig/vmcored"), config, "rpm -qp --configfiles");
        String flags = Processes.run(T, "rpm", "-qp", "--queryformat", "[%{FILENAMES} %{FILEFLAGS:fflags}\\n]", rpm).ok().out();
        assertTrue(flags.contains("/etc/vmcored/vmcored.properties cn"), "config(noreplace): " + flags);

        List<String> requires = Processes.run(T, "rpm", "-qpR", rpm).ok().out().lines().map(String::strip).toList();
        assertTrue(requires.contains("java-headless >= 1:17"), "needs Java >= 17: " + requires);
        assertTrue(requires.contains("/bin/sh") && requires.contains("shadow-utils"), "scriptlet needs: " + requires);

        String scripts = Processes.run(T, "rpm", "-qp", "--scripts", rpm).ok().out();
        String pre = section(scripts, "preinstall scriptlet");
        assertTrue(pre.contains("useradd -r -g vmcored -d /var/lib/vmcored") && pre.contains("groupadd -r vmcored"), pre);
        String post = section(scripts, "postinstall scriptlet");
        assertTrue(post.contains("systemd-tmpfiles --create vmcored.conf") && post.contains("preset vmcored.service"), post);
        String preun = section(scripts, "preuninstall scriptlet");
        assertTrue(preun.contains("disable --now vmcored.service"), preun);
        String postun = section(scripts, "postuninstall scriptlet");
        assertTrue(postun.contains("try-restart vmcored.service"), postun);
        assertTrue(!scripts.contains("rm ") && !scripts.contains("userdel"), "nothing removes the spool or the account: " + scripts);

        // every scriptlet is valid sh
        for (String s : List.of(pre, post, preun, postun)) {
            Path f = Files.createTempFile("scriptlet", ".sh");
            try {
                Files.writeString(f, s);
                Processes.run(T, "sh", "-n", f.toString()).ok();
            } finally {
                Files.delete(f);
            }
        }
    }

    /** The body of one scriptlet in {@code rpm --scripts} output. */
    private static String section(String scripts, String heading) {
        int start = scripts.indexOf(heading);
        assertTrue(start >= 0, heading + " in " + scripts);
        String rest = scripts.substring(scripts.indexOf('\n', start) + 1);
        return Arrays.stream(rest.split("\n")).takeWhile(l -> !l.matches("\\w+ scriptlet .*"))
                .collect(Collectors.joining("\n"));
    }

    private static String sha256(Path p) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(p)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
