package io.vmcored.server.ssh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.server.catalog.DumpState;
import io.vmcored.server.cli.Main;
import io.vmcored.server.config.ServerConfig;
import io.vmcored.server.daemon.VmcoredServer;
import io.vmcored.server.ssh.auth.HostKeys;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SSH receiver inside the real daemon ({@link VmcoredServer}, shared event loops and catalog):
 * keys managed with {@code vmcored keys}, and a host key that survives restarts (clients pin it).
 */
class SshServeTest {

    @TempDir
    Path tmp;

    @Test
    void keysCommandAndStableHostKeyAcrossRestarts() throws Exception {
        Path state = tmp.resolve("state");
        Path clientDir = Files.createDirectories(tmp.resolve("client"));
        OpenSsh.run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", clientDir.resolve("id").toString()), null);
        Path pub = clientDir.resolve("id.pub");

        assertEquals(0, Main.run("keys", "add", "web01", pub.toString(), "--state", state.toString()));
        String listed = captureOut(() -> Main.run("keys", "list", "--state", state.toString()));
        assertTrue(listed.startsWith("web01 ssh-ed25519 SHA256:"), "keys list: " + listed);
        assertEquals(1, Main.run("keys", "add", "db02", pub.toString(), "--state", state.toString()),
                "a key belongs to one host only");

        byte[] hostKeyBefore;
        String knownHosts;
        try (VmcoredServer server = start(state)) {
            hostKeyBefore = Files.readAllBytes(state.resolve(HostKeys.FILE_NAME));
            int port = server.port("ssh");
            KeyPair kp = HostKeys.load(state).loadKeys(null).iterator().next();
            knownHosts = "[127.0.0.1]:" + port + " " + PublicKeyEntry.toString(kp.getPublic());
            OpenSsh client = new OpenSsh(clientDir, "id", "ed25519", port, knownHosts);
            assertEquals(0, client.ssh("mkdir -p /var/crash/d1 && echo hello > /var/crash/d1/README.txt", null).exit());
            var files = server.context().catalog().get("web01@d1").orElseThrow().snapshot().files;
            assertEquals(DumpState.COMPLETE, files.get("README.txt").state, "the text file is recorded in the catalog");
        }
        try (VmcoredServer server = start(state)) {
            assertArrayEquals(hostKeyBefore, Files.readAllBytes(state.resolve(HostKeys.FILE_NAME)), "host key file unchanged");
            int port = server.port("ssh");
            OpenSsh client = new OpenSsh(clientDir, "id", "ed25519", port, knownHosts.replaceFirst("]:\\d+ ", "]:" + port + " "));
            assertEquals(0, client.ssh("test -f /var/crash/d1/README.txt", null).exit(),
                    "StrictHostKeyChecking=yes with the old known_hosts still logs in after a restart");
            String fingerprint = listed.split(" ")[2].strip();
            assertEquals(0, Main.run("keys", "revoke", fingerprint, "--state", state.toString()));
            assertEquals(255, client.ssh("exit", null).exit(), "a revoked key is refused without a restart");
        }
    }

    private VmcoredServer start(Path state) throws Exception {
        ServerConfig cfg = new ServerConfig();
        cfg.spoolDir = tmp.resolve("spool");
        cfg.stateDir = state;
        cfg.ingestPort = -1;
        cfg.httpPort = -1;
        cfg.minFreeBytes = 0;
        cfg.ssh.port(0);
        return new VmcoredServer(cfg).start();
    }

    private static String captureOut(Callable<Integer> run) throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, run.call());
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
