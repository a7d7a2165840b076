package io.vmcored.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vmcored.protocol.testsupport.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * agent/kdump-tools against Debian's real kdump-tools package (its unit files, init script and
 * kdump-config, unpacked from the .deb, never installed): {@code systemd-analyze verify --root}
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
        E2eSupport.requirePrograms("systemd-analyze");
        assumeTrue(Files.isDirectory(Path.of("/lib/systemd/system")), "kdump-tools test skipped: no /lib/systemd/system");
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

    /** Debian's kdump-tools unpacked: the installed package, else a cached .deb (apt-get download). */
    private static Path kdumpToolsPackage() throws IOException, InterruptedException {
        if (Files.exists(Path.of("/lib/systemd/system/" + UNIT)) && Files.exists(Path.of("/usr/sbin/kdump-config"))) {
            return Path.of("/");
        }
        Path cache = Fixtures.root().resolve("kdump-tools");
        Path unpacked = cache.resolve("root");
        if (Files.exists(unpacked.resolve("lib/systemd/system/" + UNIT))) {
            return unpacked;
        }
        E2eSupport.requirePrograms("dpkg-deb", "apt-get");
        Files.createDirectories(cache);
        if (debIn(cache) == null) {
            // the ordinary client, as fixtures/make-fixtures.sh fetches the kernel; nothing is installed
            Result r = run(cache, "apt-get", "download", "kdump-tools");
            assumeTrue(debIn(cache) != null, "kdump-tools test skipped: apt-get download kdump-tools failed: " + r.out);
        }
        Path tmp = Files.createTempDirectory(cache, "root.tmp");
        Result x = run(cache, "dpkg-deb", "-x", debIn(cache).toString(), tmp.toString());
        assertEquals(0, x.rc, x.out);
        Files.move(tmp, unpacked, StandardCopyOption.ATOMIC_MOVE);
        return unpacked;
    }

    private static Path debIn(Path cache) throws IOException {
        try (Stream<Path> s = Files.list(cache)) {
            return s.filter(p -> p.getFileName().toString().matches("kdump-tools_.*\\.deb")).findFirst().orElse(null);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING, java.nio.file.LinkOption.NOFOLLOW_LINKS);
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
        List<String> cmd = new java.util.ArrayList<>(List.of("systemd-analyze"));
        cmd.addAll(List.of(args));
        return run(null, cmd.toArray(String[]::new));
    }

    private static Result run(Path cwd, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(cwd == null ? null : cwd.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " still running after 120 s");
        }
        return new Result(p.exitValue(), out);
    }
}
