package io.vmcored.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.protocol.testsupport.Fixtures;
import io.vmcored.protocol.testsupport.Processes;
import io.vmcored.protocol.testsupport.Requirements;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * agent/kdump-tools against Debian's real kdump-tools package (its unit files, init script and
 * kdump-config; installed, else unpacked from the .deb by ./test): {@code systemd-analyze verify --root}
 * on a tree laid out as docs/agent.md installs it, and proof that the drop-in replaces the
 * ExecStart of the unit the capture kernel boots ({@code systemd.unit=kdump-tools-dump.service}).
 */
class KdumpToolsDropInTest {

    private static final String UNIT = "kdump-tools-dump.service";
    private static final String DROP_IN = "etc/systemd/system/" + UNIT + ".d/vmcored.conf";

    @TempDir
    Path dir;

    @Test
    void dropInVerifiesAgainstTheRealUnitAndReplacesItsExecStart() throws Exception {
        Requirements.requirePrograms("systemd-analyze");
        Requirements.require(Files.isDirectory(Path.of("/lib/systemd/system")), "/lib/systemd/system (systemd's units)");
        Path pkg = kdumpToolsPackage();
        String kdumpConfig = Files.readString(pkg.resolve("usr/sbin/kdump-config"), StandardCharsets.UTF_8);
        assertTrue(kdumpConfig.contains("systemd.unit=" + UNIT), "kdump-config boots the capture kernel into " + UNIT);

        Path root = dir.resolve("root");
        copyTree(Path.of("/lib/systemd/system"), root.resolve("lib/systemd/system")); // targets the unit needs
        copyTree(pkg.resolve("lib/systemd/system"), root.resolve("lib/systemd/system"));
        install(pkg.resolve("etc/init.d/kdump-tools"), root.resolve("etc/init.d/kdump-tools"), "rwxr-xr-x");
        // docs/agent.md, "Debian / Ubuntu (kdump-tools)"
        Path agentDir = E2eSupport.repo().resolve("agent");
        install(agentDir.resolve("vmcored-agent"), root.resolve("usr/lib/vmcored/vmcored-agent"), "rwxr-xr-x");
        install(agentDir.resolve("kdump-tools/vmcored-kdump-tools-dump"),
                root.resolve("usr/lib/vmcored/vmcored-kdump-tools-dump"), "rwxr-xr-x");
        install(agentDir.resolve("kdump-tools/vmcored.conf"), root.resolve(DROP_IN), "rw-r--r--");

        Result ok = systemdAnalyze("verify", "--root=" + root, UNIT);
        assertEquals(0, ok.rc, ok.out);
        assertEquals("", ok.out.strip(), "no warnings (unknown keys, missing commands)");

        Result merged = systemdAnalyze("--root=" + root, "cat-config", "systemd/system/" + UNIT);
        assertTrue(merged.out.contains("# " + root.resolve(DROP_IN)), "the drop-in applies to the real unit: " + merged.out);

        // with the init script not executable, verify names each command line that still runs it:
        // ExecStop only with the drop-in (ExecStart= reset it), ExecStart and ExecStop without
        Files.setPosixFilePermissions(root.resolve("etc/init.d/kdump-tools"), PosixFilePermissions.fromString("rw-r--r--"));
        Result with = systemdAnalyze("verify", "--root=" + root, UNIT);
        Files.move(root.resolve(DROP_IN), dir.resolve("vmcored.conf.off"));
        Result without = systemdAnalyze("verify", "--root=" + root, UNIT);
        assertEquals(1, count(with.out, "Command /etc/init.d/kdump-tools is not executable"), with.out);
        assertEquals(2, count(without.out, "Command /etc/init.d/kdump-tools is not executable"), without.out);
    }

    /** Debian's kdump-tools: the installed package, else its .deb unpacked by ./test (nothing is fetched here). */
    private static Path kdumpToolsPackage() {
        if (Files.exists(Path.of("/lib/systemd/system/" + UNIT)) && Files.exists(Path.of("/usr/sbin/kdump-config"))) {
            return Path.of("/");
        }
        Path unpacked = Fixtures.debianPackage("kdump-tools");
        Requirements.require(Files.exists(unpacked.resolve("lib/systemd/system/" + UNIT)), UNIT + " in " + unpacked);
        return unpacked;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING, LinkOption.NOFOLLOW_LINKS);
                }
            }
        }
    }

    private static void install(Path from, Path to, String mode) throws IOException {
        Files.createDirectories(to.getParent());
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(to, PosixFilePermissions.fromString(mode));
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    private record Result(int rc, String out) {
    }

    private static Result systemdAnalyze(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("systemd-analyze"));
        cmd.addAll(List.of(args));
        Processes.Result r = Processes.run(new ProcessBuilder(cmd).redirectErrorStream(true), Duration.ofSeconds(120));
        return new Result(r.exit(), r.out());
    }
}
