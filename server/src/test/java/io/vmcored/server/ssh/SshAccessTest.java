package io.vmcored.server.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.server.ssh.auth.AuthorizedKeyStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Authentication (key types, unknown keys, enrollment by ssh-copy-id) and confinement of each host. */
class SshAccessTest {

    static final String PASSWORD = "enroll-secret-42";

    @TempDir
    static Path tmp;
    static SshTestServer server;
    static OpenSsh web01;
    static OpenSsh db02;

    @BeforeAll
    static void start() throws Exception {
        server = new SshTestServer(tmp, new SshOptions(PASSWORD, SshOptions.DEFAULT_BASE_PATHS, SshOptions.DEFAULT_CIPHERS,
                SshOptions.DEFAULT_SETTLE));
        web01 = new OpenSsh(Files.createDirectories(tmp.resolve("web01")), "id_rsa", "rsa", server);
        db02 = new OpenSsh(Files.createDirectories(tmp.resolve("db02")), "id_ed25519", "ed25519", server);
        server.enroll("web01", web01.publicKey());
        server.enroll("db02", db02.publicKey());
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void rsaSha2EcdsaAndEd25519KeysLogIn() throws Exception {
        for (String algo : List.of("rsa-sha2-256", "rsa-sha2-512")) {
            List<String> cmd = new ArrayList<>(List.of("ssh", "-p", String.valueOf(web01.port)));
            cmd.addAll(web01.options());
            cmd.addAll(List.of("-o", "PubkeyAcceptedAlgorithms=" + algo, "root@127.0.0.1", "test -d /var/crash"));
            assertEquals(0, OpenSsh.run(cmd, null).exit(), algo + " signature accepted");
        }
        OpenSsh ecdsa = new OpenSsh(Files.createDirectories(tmp.resolve("ecdsa")), "id_ecdsa", "ecdsa", server);
        server.enroll("ecdsa-host", ecdsa.publicKey());
        assertEquals(0, ecdsa.ssh("test -d /var/crash", null).exit());
        assertEquals(0, db02.ssh("exit", null).exit(), "ed25519 (needs bcprov)");
        assertEquals(3, db02.ssh("exit 3", null).exit(), "exit N is passed through");
    }

    @Test
    void unknownKeyIsRejected() throws Exception {
        OpenSsh stranger = new OpenSsh(Files.createDirectories(tmp.resolve("stranger")), "id_stranger", "ed25519", server);
        OpenSsh.Result r = stranger.ssh("mkdir -p /var/crash", null);
        assertEquals(255, r.exit(), "ssh itself fails to log in: " + r);
        assertTrue(r.err().contains("Permission denied"), r.toString());
    }

    @Test
    void sshCopyIdEnrollsWithThePasswordAndThePasswordCanDoNothingElse() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Files.createDirectories(home.resolve(".ssh"));
        Path askpass = home.resolve("askpass.sh");
        Files.writeString(askpass, "#!/bin/sh\necho '" + PASSWORD + "'\n");
        Files.setPosixFilePermissions(askpass, PosixFilePermissions.fromString("rwx------"));
        OpenSsh fresh = new OpenSsh(Files.createDirectories(tmp.resolve("fresh")), "kdump_id_rsa", "rsa", server);
        Map<String, String> env = Map.of("HOME", home.toString(), "SSH_ASKPASS", askpass.toString(),
                "SSH_ASKPASS_REQUIRE", "force", "DISPLAY", ":0");

        ProcessBuilder copy = new ProcessBuilder("ssh-copy-id", "-i", fresh.publicKey().toString(), "-p", String.valueOf(fresh.port),
                "-o", "UserKnownHostsFile=" + fresh.knownHosts, "-o", "StrictHostKeyChecking=yes",
                "-o", "IdentityAgent=none", "root@127.0.0.1");
        copy.environment().putAll(env);
        copy.environment().remove("SSH_AUTH_SOCK");
        OpenSsh.Result r = OpenSsh.run(copy, null);
        assertEquals(0, r.exit(), "ssh-copy-id: " + r);
        String keyBlob = Files.readString(fresh.publicKey()).split(" ")[1];
        assertTrue(new AuthorizedKeyStore(server.state).list().stream()
                .anyMatch(k -> k.base64().equals(keyBlob) && k.host().equals("127.0.0.1")), "key stored for host 127.0.0.1");
        assertEquals(0, fresh.ssh("mkdir -p /var/crash/127.0.0.1-2024-05-01-10:00:00", null).exit(), "the enrolled key works");
        assertTrue(Files.isDirectory(server.spool.resolve("127.0.0.1/127.0.0.1-2024-05-01-10:00:00")));

        ProcessBuilder misuse = new ProcessBuilder("ssh", "-p", String.valueOf(fresh.port), "-F", "none",
                "-o", "UserKnownHostsFile=" + fresh.knownHosts, "-o", "StrictHostKeyChecking=yes",
                "-o", "PreferredAuthentications=password", "-o", "IdentityAgent=none", "root@127.0.0.1", "mkdir -p /var/crash/x");
        misuse.environment().putAll(env);
        OpenSsh.Result m = OpenSsh.run(misuse, null);
        assertEquals(1, m.exit(), "password login may only enroll: " + m);
        assertTrue(m.err().contains("may only add keys"), m.toString());
    }

    @Test
    void pathsCannotLeaveTheHostsArea() throws Exception {
        Files.createDirectories(server.spool.resolve("db02/secret-dump"));
        Files.writeString(server.spool.resolve("db02/secret-dump/vmcore-dmesg.txt"), "db02 secret\n");
        for (String p : List.of("/var/crash/../../db02/secret-dump/vmcore-dmesg.txt", "../db02/secret-dump/vmcore-dmesg.txt",
                "/../../../db02/secret-dump/vmcore-dmesg.txt", "/var/crash/../../../../etc/passwd")) {
            OpenSsh.Result r = web01.scp(List.of("-O"), "root@127.0.0.1:" + p, tmp.resolve("stolen").toString());
            assertNotEquals(0, r.exit(), "download of " + p + " must fail: " + r);
            assertFalse(Files.exists(tmp.resolve("stolen")));
        }
        // a planted symlink inside the area is never followed
        Files.createDirectories(server.spool.resolve("web01"));
        Files.createSymbolicLink(server.spool.resolve("web01/evil"), server.spool.resolve("db02/secret-dump"));
        assertEquals(1, web01.ssh("echo pwned > /var/crash/evil/vmcore-dmesg.txt", null).exit());
        assertEquals(1, web01.scp(List.of("-O"), "root@127.0.0.1:/var/crash/evil/vmcore-dmesg.txt", tmp.resolve("s2").toString()).exit());
        assertEquals(1, web01.ssh("mv /var/crash/evil/vmcore-dmesg.txt /var/crash/mine/x", null).exit());
        assertEquals("db02 secret\n", Files.readString(server.spool.resolve("db02/secret-dump/vmcore-dmesg.txt")));

        // writes with traversal land inside web01's own area, nowhere else
        assertEquals(0, web01.ssh("mkdir -p /var/crash/../../../x && echo hi > /var/crash/../../../x/f", null).exit());
        assertEquals("hi\n", Files.readString(server.spool.resolve("web01/x/f")));
        assertEquals(1, web01.ssh("mkdir -p /var/crash/a/b", null).exit(), "one directory level per dump");
        assertEquals(1, web01.ssh("dd of=/var/crash/x/.manifest.json", null).exit(), "dot files are reserved");
    }

    @Test
    void anythingElseIsRefusedWithExitOneAndAMessage() throws Exception {
        for (String cmd : List.of("ls /", "cat /etc/passwd", "sh -c 'id'", "rm -rf /var/crash", "dd if=/etc/passwd of=/var/crash/x/p",
                "echo $(id) > /var/crash/x/y", "mkdir -p /var/crash/x | tee", "bash", "echo `id`")) {
            OpenSsh.Result r = web01.ssh(cmd, null);
            assertEquals(1, r.exit(), cmd + " -> " + r);
            assertTrue(r.err().startsWith("vmcored: "), "clear message on stderr for " + cmd + ": " + r);
        }
        assertEquals(1, web01.ssh("mkdir -p /var/crash/z && false && mkdir -p /var/crash/never", null).exit());
        assertFalse(Files.exists(server.spool.resolve("web01/never")), "&& stops after a failure");
        assertEquals(0, web01.ssh("false ; mkdir -p /var/crash/always", null).exit());
        assertTrue(Files.isDirectory(server.spool.resolve("web01/always")), "; continues after a failure");
    }
}
