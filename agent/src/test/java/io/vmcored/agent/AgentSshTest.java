package io.vmcored.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmcored.protocol.testsupport.Fixtures;
import io.vmcored.protocol.testsupport.Processes;
import io.vmcored.protocol.testsupport.Requirements;
import io.vmcored.server.cli.Main;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's ssh transport: busybox sh with the real OpenSSH client against vmcored's SSH
 * receiver (in this JVM), the client key enrolled with {@code vmcored keys add}, the
 * collector's host key pinned in a known_hosts file (StrictHostKeyChecking=yes,
 * BatchMode=yes, as in a capture kernel). The agent sends the RHEL kdump command sequence;
 * the stored dump must equal the fixtures' makedumpfile -R oracle byte for byte.
 */
class AgentSshTest {

    private static final String KEY_HOST = "ssh-host";

    @TempDir
    Path dir;

    private BusyboxAgent agent;
    private Path key;

    @BeforeEach
    void clientKey() throws Exception {
        Requirements.requirePrograms("ssh-keygen");
        agent = new BusyboxAgent(dir, "makedumpfile", "ssh");
        key = dir.resolve("kdump_id_ed25519");
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "agent-test", "-f", key.toString());
    }

    @Test
    void sshTransportStoresTheDumpAndTheKernelLog() throws Exception {
        try (TestServer server = new TestServer(dir.resolve("server"), -1, -1, Map.of()).ssh(0)) {
            enroll(server);
            server.start();
            BusyboxAgent.Result r = agent.run(args(server.sshPort(), knownHosts(server, server.sshPort()), "8"));
            assertEquals(0, r.rc(), r.out());
            Path dump = assertStoredComplete(server, r.out());
            assertTrue(dump.getFileName().toString().startsWith("agent-host-"), "dump directory <host>-<time>: " + dump);
        }
    }

    @Test
    void sshLinkCutMidDumpIsRetriedFromTheStart() throws Exception {
        try (TestServer server = new TestServer(dir.resolve("server"), -1, -1, Map.of()).ssh(0)) {
            enroll(server);
            server.start();
            // the dump's connection carries ~22 MB from the client; the kernel log's ~30 KB
            try (CuttingProxy proxy = new CuttingProxy(server.sshPort(), 6L << 20)) {
                BusyboxAgent.Result r = agent.run(args(proxy.port(), knownHosts(server, proxy.port()), "3"));
                assertEquals(0, r.rc(), r.out());
                assertTrue(proxy.didCut(), "the proxy cut one connection");
                assertTrue(r.out().contains("ssh upload of the dump failed"), r.out());
                assertTrue(r.out().contains("retry 1/3"), r.out());
                assertStoredComplete(server, r.out());
            }
        }
    }

    @Test
    void serverStartedLateIsReachedByARetry() throws Exception {
        Path serverDir = dir.resolve("server");
        int port = E2eSupport.freePort();
        Path knownHosts;
        // a first start makes the host key the client pins (kept in the state directory)
        try (TestServer first = new TestServer(serverDir, -1, -1, Map.of()).ssh(0)) {
            enroll(first);
            first.start();
            knownHosts = knownHosts(first, port);
        }
        Process p = agent.start(args(port, knownHosts, "6"));
        StringBuffer out = new StringBuffer();
        Thread reader = pump(p, out);
        try {
            awaitOutput(out, "retry 1/6");
            assertTrue(out.toString().contains("ssh mkdir -p"), out.toString());
            try (TestServer server = new TestServer(serverDir, -1, -1, Map.of()).ssh(port).start()) {
                assertTrue(p.waitFor(90, TimeUnit.SECONDS), "agent done: " + out);
                reader.join(5_000);
                assertEquals(0, p.exitValue(), out.toString());
                assertStoredComplete(server, out.toString());
            }
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void unenrolledKeyGivesUpWithTwo() throws Exception {
        try (TestServer server = new TestServer(dir.resolve("server"), -1, -1, Map.of()).ssh(0).start()) {
            BusyboxAgent.Result r = agent.run(args(server.sshPort(), knownHosts(server, server.sshPort()), "0"));
            assertEquals(2, r.rc(), r.out());
            assertTrue(r.out().contains("Permission denied (publickey)"), "ssh's reason in the log: " + r.out());
            assertTrue(server.dumps().isEmpty(), "nothing stored: " + server.dumps());
        }
    }

    private List<String> args(int port, Path knownHosts, String retries) {
        return new ArrayList<>(List.of("--server", "127.0.0.1", "--transport", "ssh", "--port", Integer.toString(port),
                "--ssh-key", key.toString(), "--ssh-known-hosts", knownHosts.toString(), "--host", "agent-host",
                "--compress", "zlib", "--retries", retries, "--backoff", "1", "--max-backoff", "2",
                "--vmcore", Fixtures.vmcore().toString(), "--work-dir", dir.resolve("work").toString()));
    }

    /** The one dump of the key's host: complete, vmcore = makedumpfile -R oracle, kernel log as extracted. */
    private static Path assertStoredComplete(TestServer server, String out) throws IOException {
        Path dump = server.onlyDump();
        assertEquals(KEY_HOST, dump.getParent().getFileName().toString(), "the key decides the host");
        JsonNode m = TestServer.manifest(dump);
        assertEquals("complete", m.path("state").asText(), "manifest: " + m + "\nagent: " + out);
        assertEquals("ssh", m.path("transport").asText(), "manifest: " + m);
        assertEquals("complete", m.path("files").path("vmcore").path("state").asText(), "manifest: " + m);
        assertEquals("complete", m.path("files").path("vmcore-dmesg.txt").path("state").asText(), "manifest: " + m);
        assertSameBytes(Fixtures.oracle("kdump-zlib-d31"), dump.resolve("vmcore"));
        assertSameBytes(Fixtures.dmesg("kdump-zlib-d31"), dump.resolve("vmcore-dmesg.txt"));
        assertFalse(Files.exists(dump.resolve("vmcore-incomplete")), "renamed by the agent's mv");
        return dump;
    }

    private void enroll(TestServer server) {
        assertEquals(0, Main.run("keys", "add", KEY_HOST, key + ".pub", "--state", server.stateDir().toString()));
    }

    /** known_hosts for [127.0.0.1]:port from the server's host key (ssh-keygen -y). */
    private Path knownHosts(TestServer server, int port) throws IOException, InterruptedException {
        String pub = run("ssh-keygen", "-y", "-f", server.stateDir().resolve("ssh_host_ecdsa_key").toString()).strip();
        Path file = dir.resolve("known_hosts-" + port);
        Files.writeString(file, "[127.0.0.1]:" + port + " " + pub + "\n");
        return file;
    }

    private static Thread pump(Process p, StringBuffer out) {
        Thread t = new Thread(() -> {
            try {
                byte[] buf = new byte[4096];
                int n;
                while ((n = p.getInputStream().read(buf)) > 0) {
                    out.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException ignored) {
                // process gone
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void awaitOutput(StringBuffer out, String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!out.toString().contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no \"" + text + "\" from the agent within 60 s: " + out);
            }
            Thread.sleep(100);
        }
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        return Processes.run(new ProcessBuilder(cmd).redirectErrorStream(true), Duration.ofSeconds(30)).ok().out();
    }

    private static void assertSameBytes(Path expected, Path actual) throws IOException {
        assertTrue(Files.exists(actual), actual + " exists");
        assertEquals(Files.size(expected), Files.size(actual), actual + " size vs " + expected);
        assertArrayEquals(Files.readAllBytes(expected), Files.readAllBytes(actual), actual + " bytes vs " + expected);
    }
}
