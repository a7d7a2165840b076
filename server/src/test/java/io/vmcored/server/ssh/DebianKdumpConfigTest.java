package io.vmcored.server.ssh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.protocol.testsupport.Fixtures;
import io.vmcored.protocol.testsupport.Processes;
import io.vmcored.protocol.testsupport.Requirements;
import io.vmcored.server.catalog.DumpState;
import io.vmcored.server.catalog.Manifest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Debian's own {@code kdump-config savecore} (kdump-tools, unpacked from its .deb by ./test)
 * sends a real dump of the fixture vmcore to vmcored over SSH, as the capture kernel does with
 * docs/clients.md's /etc/default/kdump-tools: {@code SSH=root@collector}, {@code SSH_KEY},
 * {@code HOSTTAG=hostname}, and each {@code KDUMP_COMPRESSION} it knows (none, gzip, bzip2, lz4,
 * xz). The stored dump must equal {@code makedumpfile -R} of the uncompressed stream byte for byte.
 *
 * <p>The script leaves {@code /tmp/dmesg.ssh.<stamp>} behind (as it does in the capture kernel);
 * the test deletes it. The script runs unchanged except for three paths: its defaults file, {@code /proc/vmcore}
 * (the fixture vmcore.elf) and its PATH, which puts {@code ssh}/{@code scp} wrappers first that
 * add {@code -F <ssh_config>}: on a real client that file is root's ~/.ssh/config (where the
 * collector's port goes), which a test must not write.
 */
class DebianKdumpConfigTest {

    /** makedumpfile -F -c -d 31, kdump-config's default MAKEDUMP_ARGS: the fixture stream kdump-zlib-d31. */
    private static final String STREAM = "kdump-zlib-d31";

    static final String PASSWORD = "enroll-secret-42";

    @org.junit.jupiter.api.io.TempDir
    static Path tmp;
    static SshTestServer server;
    static Path base;

    @BeforeAll
    static void start() throws Exception {
        base = Files.createDirectories(tmp.resolve("crash"));
        server = new SshTestServer(tmp, new SshOptions(PASSWORD, List.of(base.toString()), SshOptions.DEFAULT_CIPHERS,
                SshOptions.DEFAULT_SETTLE));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest(name = "KDUMP_COMPRESSION={0}")
    @ValueSource(strings = {"none", "gzip", "bzip2", "lz4", "xz"})
    void savecoreOverSshStoresTheRearrangedDump(String compression) throws Exception {
        Requirements.requirePrograms("makedumpfile", "ssh", "scp", "ssh-keygen", "hostname", "logger");
        if (!compression.equals("none")) {
            Requirements.requirePrograms(compression);
        }
        Path script = Fixtures.debianPackage("kdump-tools").resolve("usr/sbin/kdump-config");
        Requirements.require(Files.exists(script), "Debian's kdump-config in " + script);
        Requirements.require(Files.exists(Path.of("/lib/lsb/init-functions")), "/lib/lsb/init-functions (lsb-base)");
        Path oracle = Fixtures.oracle(STREAM);
        Path vmcore = Fixtures.vmcore();

        Path dir = Files.createDirectories(tmp.resolve("client-" + compression));
        String host = "deb-" + compression; // one host per run: kdump-config's directory stamp has minute resolution
        OpenSsh keys = new OpenSsh(dir, "kdump_id_rsa", "rsa", server);
        server.enroll(host, keys.publicKey());
        Path copy = kdumpConfig(dir, keys.key, keys.knownHosts, vmcore,
                compression.equals("none") ? "" : "KDUMP_COMPRESSION=" + compression + "\n");

        Processes.Result run = Processes.run(new ProcessBuilder("/bin/sh", copy.toString(), "savecore")
                .directory(dir.toFile()), Duration.ofSeconds(300));
        assertEquals(0, run.exit(), "kdump-config savecore: " + run.out() + run.err());
        assertTrue(run.out().contains("saved vmcore in root@collector:"), run.out());

        Path area = server.spool.resolve(host);
        List<Path> dumps;
        try (Stream<Path> s = Files.list(area)) {
            dumps = s.toList();
        }
        assertEquals(1, dumps.size(), "one dump directory <hostname>-<stamp>: " + dumps);
        Path d = dumps.get(0);
        String stamp = d.getFileName().toString().substring(d.getFileName().toString().lastIndexOf('-') + 1);
        // kdump-config's own scratch copy of the kernel log: a second run in the same minute would find it and fail
        Files.deleteIfExists(Path.of("/tmp/dmesg.ssh." + stamp));
        assertTrue(d.getFileName().toString().startsWith(hostname() + "-"), d.toString());
        Path stored = d.resolve("dump." + stamp);
        assertArrayEquals(Files.readAllBytes(oracle), Files.readAllBytes(stored),
                "dump." + stamp + " = makedumpfile -R of the uncompressed stream");
        try (Stream<Path> s = Files.list(d)) {
            List<String> names = s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
            assertEquals(List.of("dmesg." + stamp, "dump." + stamp, "manifest.json"), names,
                    "no -incomplete file and no compressor suffix left");
        }
        assertArrayEquals(Files.readAllBytes(Fixtures.dmesg(STREAM)), Files.readAllBytes(d.resolve("dmesg." + stamp)),
                "the kernel log kdump-config sent with scp");
        Manifest m = server.manifest(host, d.getFileName().toString());
        assertEquals(DumpState.COMPLETE, m.state, "renamed from dump-incomplete after a whole stream: " + m.problem);
        assertEquals("dump." + stamp, m.dumpFile);
        Manifest.FileEntry e = m.files.get("dump." + stamp);
        assertEquals("FLATTENED", e.contentKind);
        if (compression.equals("none")) {
            assertNull(e.unwrappedFrom);
        } else {
            assertEquals(compression.toUpperCase(java.util.Locale.ROOT), e.unwrappedFrom);
            assertFalse(e.streamBytes == Files.size(Fixtures.stream(STREAM)), "stream bytes are the compressed bytes sent");
        }
    }

    @org.junit.jupiter.api.Test
    void propagateEnrollsTheKeyItGeneratesWithTheEnrollmentPassword() throws Exception {
        Requirements.requirePrograms("ssh", "ssh-copy-id", "ssh-keygen", "logger");
        Path script = Fixtures.debianPackage("kdump-tools").resolve("usr/sbin/kdump-config");
        Requirements.require(Files.exists(script), "Debian's kdump-config in " + script);
        Path dir = Files.createDirectories(tmp.resolve("client-propagate"));
        OpenSsh known = new OpenSsh(dir, "unused_id", "ed25519", server); // only for its known_hosts
        Path key = dir.resolve("kdump_id_rsa"); // absent: kdump-config generates it (ssh-keygen -t rsa)
        Path copy = kdumpConfig(dir, key, known.knownHosts, Path.of("/nonexistent"), "");
        Files.createDirectories(dir.resolve(".ssh")); // HOME: ssh-copy-id keeps its scratch files in ~/.ssh
        Path askpass = Files.writeString(dir.resolve("askpass.sh"), "#!/bin/sh\necho '" + PASSWORD + "'\n");
        Files.setPosixFilePermissions(askpass, PosixFilePermissions.fromString("rwx------"));
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", copy.toString(), "propagate").directory(dir.toFile());
        pb.environment().putAll(java.util.Map.of("HOME", dir.toString(), "SSH_ASKPASS", askpass.toString(),
                "SSH_ASKPASS_REQUIRE", "force", "DISPLAY", ":0"));
        pb.environment().remove("SSH_AUTH_SOCK");
        Processes.Result run = Processes.run(pb, Duration.ofSeconds(120));
        if (run.exit() != 0 || !run.out().contains("propagated ssh key")) { // kdump-config sends ssh-copy-id's output to /dev/null: show it
            ProcessBuilder again = new ProcessBuilder("ssh-copy-id", "-i", key.toString(), "root@collector");
            again.environment().putAll(pb.environment());
            again.environment().put("PATH", dir.resolve("bin") + ":/usr/bin:/bin");
            Processes.Result why = Processes.run(again, Duration.ofSeconds(60));
            throw new AssertionError("kdump-config propagate: " + run.out() + run.err() + "; ssh-copy-id: " + why.out() + why.err());
        }
        assertTrue(run.out().contains("propagated ssh key " + key + " to server root@collector"), run.out());
        String blob = Files.readString(Path.of(key + ".pub")).split(" ")[1];
        assertTrue(new io.vmcored.server.ssh.auth.AuthorizedKeyStore(server.state).list().stream()
                .anyMatch(k -> k.base64().equals(blob) && k.host().equals("127.0.0.1")),
                "the generated key is enrolled for the client's address");
        OpenSsh.Result login = OpenSsh.run(List.of(dir.resolve("bin/ssh").toString(), "-i", key.toString(),
                "root@collector", "mkdir -p " + base + "/127.0.0.1-202405011011"), null);
        assertEquals(0, login.exit(), "the propagated key logs in: " + login);
    }

    /**
     * A copy of kdump-config with its defaults file ({@code SSH=root@collector}, {@code SSH_KEY}, {@code
     * HOSTTAG=hostname}, KDUMP_COREDIR, {@code extra}), {@code vmcore} for /proc/vmcore and ssh/scp wrappers
     * reading an ssh client configuration that gives {@code collector}'s port.
     */
    private static Path kdumpConfig(Path dir, Path key, Path knownHosts, Path vmcore, String extra) throws Exception {
        Path sshConfig = Files.writeString(dir.resolve("ssh_config"), "Host collector\n"
                + "    HostName 127.0.0.1\n    Port " + server.port() + "\n"
                + "    UserKnownHostsFile " + knownHosts + "\n    GlobalKnownHostsFile /dev/null\n"
                + "    StrictHostKeyChecking yes\n    IdentitiesOnly yes\n    IdentityAgent none\n"
                + "    LogLevel ERROR\n");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        for (String tool : List.of("ssh", "scp")) {
            Path w = Files.writeString(bin.resolve(tool), "#!/bin/sh\nexec /usr/bin/" + tool + " -F " + sshConfig + " \"$@\"\n");
            Files.setPosixFilePermissions(w, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Path defaults = Files.writeString(dir.resolve("kdump-tools"), "USE_KDUMP=1\n"
                + "SSH=\"root@collector\"\n"
                + "SSH_KEY=\"" + key + "\"\n"
                + "HOSTTAG=hostname\n"
                + "KDUMP_COREDIR=\"" + base + "\"\n"
                + extra);
        Path script = Fixtures.debianPackage("kdump-tools").resolve("usr/sbin/kdump-config");
        String original = Files.readString(script, StandardCharsets.UTF_8);
        String patched = replaceOnce(replaceOnce(replaceOnce(original,
                "KDUMP_DEFAULTS=/etc/default/kdump-tools", "KDUMP_DEFAULTS=" + defaults),
                "vmcore_file=/proc/vmcore", "vmcore_file=" + vmcore),
                "PATH=/bin:/usr/bin:/sbin:/usr/sbin", "PATH=" + bin + ":/bin:/usr/bin:/sbin:/usr/sbin");
        return Files.writeString(dir.resolve("kdump-config"), patched);
    }

    private static String hostname() throws Exception {
        return Processes.run(Duration.ofSeconds(10), "hostname").out().strip();
    }

    private static String replaceOnce(String text, String from, String to) {
        int at = text.indexOf(from);
        if (at < 0 || text.indexOf(from, at + 1) >= 0) {
            throw new AssertionError("kdump-config changed: expected exactly one \"" + from + "\"");
        }
        return text.replace(from, to);
    }
}
