package io.vmcored.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.protocol.testsupport.Fixtures;
import io.vmcored.protocol.testsupport.Processes;
import io.vmcored.protocol.testsupport.Requirements;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package as an operator meets it: lintian finds no error in it; it carries the
 * files, modes, conffiles, dependencies and maintainer scripts it should; and, installed for
 * real with apt (root: CI runs on a throwaway machine), it creates the account and the 0700
 * directories, {@code vmcored check-config} accepts the shipped file, {@code systemd-analyze
 * verify} accepts the installed unit, the unit's own {@code ExecStart} line run as
 * {@code vmcored} (as systemd would, without systemd: no PID 1 here) serves, stores a real dump
 * uploaded with curl byte for byte as {@code makedumpfile -R} writes it, reloads on SIGHUP and
 * stops with exit status 0 on SIGTERM; purging the package leaves the spool.
 */
class DebianPackageTest {

    private static final Duration T = Duration.ofSeconds(300);
    private static final String STREAM = "kdump-zlib-d31";

    @TempDir
    Path tmp;

    @Test
    void lintianFindsNoError() throws Exception {
        Requirements.requirePrograms("lintian");
        Processes.Result r = Processes.run(T, "lintian", "--fail-on", "error", "--no-tag-display-limit", Built.deb().toString());
        List<String> errors = r.out().lines().filter(l -> l.startsWith("E: ")).toList();
        assertEquals(List.of(), errors, "lintian errors:\n" + r.out());
        assertEquals(0, r.exit(), r.toString());
    }

    @Test
    void packageHoldsItsFilesDependenciesAndScripts() throws Exception {
        Requirements.requirePrograms("dpkg-deb");
        String deb = Built.deb().toString();
        String fields = Processes.run(T, "dpkg-deb", "-f", deb, "Package", "Version", "Architecture", "Depends").ok().out();
        assertEquals("Package: vmcored\nVersion: " + Built.version() + "\nArchitecture: all\n"
                + "Depends: default-jre-headless (>= 2:1.17) | java17-runtime-headless, adduser\n", fields);

        List<String> contents = Processes.run(T, "dpkg-deb", "-c", deb).ok().out().lines().toList();
        for (String[] f : new String[][] {
            {"-rw-r--r-- root/root", "./usr/lib/vmcored/vmcored.jar"},
            {"-rwxr-xr-x root/root", "./usr/bin/vmcored"},
            {"-rw-r--r-- root/root", "./lib/systemd/system/vmcored.service"},
            {"-rw-r--r-- root/root", "./usr/lib/sysusers.d/vmcored.conf"},
            {"-rw-r--r-- root/root", "./usr/lib/tmpfiles.d/vmcored.conf"},
            {"-rw-r----- root/root", "./etc/vmcored/vmcored.properties"},
            {"-rw-r--r-- root/root", "./etc/default/vmcored"},
            {"-rw-r--r-- root/root", "./usr/share/man/man8/vmcored.8.gz"},
            {"-rw-r--r-- root/root", "./usr/share/doc/vmcored/copyright"},
            {"-rw-r--r-- root/root", "./usr/share/doc/vmcored/install.md"}}) {
            assertTrue(contents.stream().anyMatch(l -> l.startsWith(f[0]) && l.endsWith(" " + f[1])), f[1] + " " + f[0]
                    + " in:\n" + String.join("\n", contents));
        }

        Path control = tmp.resolve("control");
        Processes.run(T, "dpkg-deb", "-e", deb, control.toString()).ok();
        assertEquals(List.of("/etc/vmcored/vmcored.properties", "/etc/default/vmcored"),
                Files.readAllLines(control.resolve("conffiles")));
        for (String script : List.of("postinst", "prerm", "postrm")) {
            Processes.run(T, "sh", "-n", control.resolve(script).toString()).ok();
        }
        String postinst = Files.readString(control.resolve("postinst"));
        assertTrue(postinst.contains("systemd-sysusers vmcored.conf") && postinst.contains("adduser --quiet --system"), postinst);
        assertFalse(postinst.contains("deb-systemd-helper enable"), "the unit is not enabled at install");
        String postrm = Files.readString(control.resolve("postrm"));
        assertFalse(postrm.contains("rm ") || postrm.contains("deluser"), "purge keeps the spool and the account: " + postrm);

        Path root = tmp.resolve("root");
        Processes.run(T, "dpkg-deb", "-x", deb, root.toString()).ok();
        assertEquals(-1L, Files.mismatch(Built.jar(), root.resolve("usr/lib/vmcored/vmcored.jar")), "the jar the server module built");
        String config = Files.readString(root.resolve("etc/vmcored/vmcored.properties"));
        assertTrue(config.contains("\n#bind = 127.0.0.1\n") && config.contains("\nspool.dir = /var/lib/vmcored/spool\n")
                && config.contains("\n#auth.operator-token =\n"), config);
    }

    @Test
    void installedPackageServesAsTheUnitWouldAndPurgeKeepsTheSpool() throws Exception {
        Requirements.require(isRoot(), "root (the test installs the package for real, as CI does on its throwaway machine)");
        Requirements.requirePrograms("apt-get", "dpkg-query", "setpriv", "unshare", "nsenter", "ip", "curl", "systemd-analyze",
                "man");
        Requirements.require(!installed(), "a machine without the vmcored package (the test installs and purges it)");
        Path flat = Fixtures.stream(STREAM);
        Path oracle = Fixtures.oracle(STREAM);
        Path dmesg = Fixtures.dmesg(STREAM);
        Path varLib = Path.of("/var/lib/vmcored");
        boolean hadVarLib = Files.exists(varLib);
        String host = "pkgtest-" + ProcessHandle.current().pid();
        Path hostSpool = varLib.resolve("spool").resolve(host);
        try {
            apt("install", "--no-install-recommends", Built.deb().toAbsolutePath().toString());
            assertTrue(installed(), "installed");

            String account = Processes.run(T, "getent", "passwd", "vmcored").ok().out().strip();
            assertTrue(account.matches("vmcored:x:\\d+:\\d+:[^:]*:/var/lib/vmcored:/usr/sbin/nologin"), account);
            for (String dir : List.of("/var/lib/vmcored", "/var/lib/vmcored/spool", "/var/lib/vmcored/state")) {
                assertMode(Path.of(dir), "vmcored", "vmcored", "rwx------");
            }
            assertMode(Path.of("/etc/vmcored/vmcored.properties"), "root", "vmcored", "rw-r-----");
            assertEquals("/usr/share/man/man8/vmcored.8.gz", Processes.run(T, "man", "-w", "vmcored").ok().out().strip());

            Processes.Result check = asVmcored(List.of("/usr/bin/vmcored", "check-config", "--config",
                    "/etc/vmcored/vmcored.properties")).ok();
            assertTrue(check.out().contains("bind = 127.0.0.1\n") && check.out().contains(
                    "spool.dir = /var/lib/vmcored/spool    # /etc/vmcored/vmcored.properties:"), check.out());

            Processes.Result verify = Processes.run(T, "systemd-analyze", "verify", "/lib/systemd/system/vmcored.service");
            assertEquals(0, verify.exit(), verify.toString());
            assertEquals("", verify.err().strip(), "systemd-analyze verify: " + verify);

            serveUploadReloadStop(flat, oracle, dmesg, host, hostSpool);

            apt("purge");
            assertFalse(installed(), "purged");
            for (String gone : List.of("/usr/bin/vmcored", "/usr/lib/vmcored", "/etc/vmcored/vmcored.properties",
                    "/etc/default/vmcored", "/lib/systemd/system/vmcored.service")) {
                assertFalse(Files.exists(Path.of(gone)), gone + " removed");
            }
            try (Stream<Path> dumps = Files.list(hostSpool)) {
                Path dir = dumps.findFirst().orElseThrow();
                assertEquals(-1L, Files.mismatch(oracle, dir.resolve("vmcore")), "purge leaves the spool: " + dir);
            }
        } finally {
            if (installed()) {
                apt("purge");
            }
            delete(hostSpool);
            if (!hadVarLib) {
                delete(varLib);
            }
        }
    }

    /** The unit's ExecStart, in its environment, as vmcored, in a network namespace of its own (the shipped ports). */
    private void serveUploadReloadStop(Path flat, Path oracle, Path dmesg, String host, Path hostSpool) throws Exception {
        Unit unit = Unit.read(Path.of("/lib/systemd/system/vmcored.service"));
        List<String> cmd = new ArrayList<>(List.of("unshare", "--net", "--", "sh", "-c",
                "ip link set lo up && umask " + unit.value("UMask") + " && exec setpriv --reuid=" + unit.value("User")
                + " --regid=" + unit.value("Group") + " --init-groups --inh-caps=-all --bounding-set=-all --no-new-privs --"
                + " env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/var/lib/vmcored LANG=C.UTF-8 JAVA_OPTS=\"$JAVA_OPTS\" \"$@\"",
                "sh"));
        cmd.addAll(unit.execStart());
        Path log = tmp.resolve("server.log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        String javaOpts = unit.javaOpts();
        assertTrue(javaOpts.contains("-XX:MaxRAMPercentage="), "heap from the machine's memory: " + javaOpts);
        pb.environment().put("JAVA_OPTS", javaOpts);
        Process server = pb.start();
        try {
            awaitLog(server, log, "vmcored started");
            String serverLog = Files.readString(log);
            assertTrue(serverLog.contains("http listening on 127.0.0.1:8080"), serverLog);
            String user = Processes.run(T, "ps", "-o", "user=,comm=", "-p", Long.toString(server.pid())).ok().out().strip();
            assertEquals("vmcored java", user.replaceAll("\\s+", " "), "the JVM itself runs as vmcored");

            Processes.Result put = Processes.run(T, "nsenter", "--net=/proc/" + server.pid() + "/ns/net", "--",
                    "curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-T", flat.toString(),
                    "http://127.0.0.1:8080/api/v1/dumps/" + host).ok();
            assertEquals("201", put.out(), put.toString());
            Path dumpDir;
            try (Stream<Path> dumps = Files.list(hostSpool)) {
                dumpDir = dumps.findFirst().orElseThrow();
            }
            assertEquals(-1L, Files.mismatch(oracle, dumpDir.resolve("vmcore")), "stored as makedumpfile -R writes it");
            assertMode(dumpDir.resolve("vmcore"), "vmcored", "vmcored", "rw-------");
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.exists(dumpDir.resolve("dmesg.txt")) && System.nanoTime() < end) {
                Thread.sleep(200);
            }
            assertEquals(-1L, Files.mismatch(dmesg, dumpDir.resolve("dmesg.txt")), "kernel log extracted");

            // ExecReload: SIGHUP re-reads the configuration and the server goes on
            Processes.run(T, "kill", "-HUP", Long.toString(server.pid())).ok();
            awaitLog(server, log, "SIGHUP");
            Thread.sleep(500);
            assertTrue(server.isAlive(), "alive after SIGHUP: " + Files.readString(log));

            server.toHandle().destroy(); // SIGTERM, as systemctl stop sends it
            assertTrue(server.waitFor(120, TimeUnit.SECONDS), "stopped");
            assertEquals(0, server.exitValue(), "stop is a success: " + Files.readString(log));
            assertTrue(Files.readString(log).contains("vmcored stopped"), Files.readString(log));
        } finally {
            Processes.kill(server);
        }
    }

    private static void awaitLog(Process p, Path log, String text) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.readString(log, StandardCharsets.UTF_8).contains(text)) {
            assertTrue(p.isAlive() && System.nanoTime() < end, "waiting for \"" + text + "\": " + Files.readString(log));
            Thread.sleep(100);
        }
    }

    private static Processes.Result asVmcored(List<String> command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=vmcored", "--regid=vmcored", "--init-groups", "--"));
        cmd.addAll(command);
        return Processes.run(new ProcessBuilder(cmd).directory(new File("/")), T);
    }

    private static void apt(String action, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("apt-get", "-o", "DPkg::Lock::Timeout=600", "-y", "-q", action));
        cmd.addAll(Arrays.asList(args));
        if (action.equals("purge")) {
            cmd.add("vmcored");
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
        Processes.run(pb, Duration.ofMinutes(12)).ok();
    }

    private static boolean installed() throws Exception {
        Processes.Result r = Processes.run(T, "dpkg-query", "-W", "-f=${Status}", "vmcored");
        return r.exit() == 0 && r.out().contains("ok installed");
    }

    private static boolean isRoot() throws Exception {
        return Processes.run(T, "id", "-u").ok().out().strip().equals("0");
    }

    private static void assertMode(Path p, String owner, String group, String perms) throws Exception {
        PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        assertEquals(owner + ":" + group + " " + perms, a.owner().getName() + ":" + a.group().getName() + " "
                + PosixFilePermissions.toString(a.permissions()), p.toString());
    }

    private static void delete(Path p) throws Exception {
        if (Files.exists(p)) {
            Processes.run(T, "rm", "-rf", "--one-file-system", p.toString()).ok();
        }
    }
}
