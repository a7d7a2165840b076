package io.vmcored.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmcored.protocol.testsupport.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * vmcored-agent on the host, under busybox sh with only busybox applets, makedumpfile and
 * curl on its PATH, dumping the fixture vmcore (the ELF core of the crashed Debian guest)
 * to a real vmcored. Covers what needs no guest: options and config file, the http
 * transport, and the server's steering. The stored dumps are compared with the fixtures'
 * makedumpfile -R oracles (a different --cyclic-buffer changes the stream's record layout,
 * never the rearranged dump: fixtures-cache/streams/DETERMINISM).
 */
class AgentScriptTest {

    @TempDir
    Path dir;

    private BusyboxAgent agent;

    @BeforeEach
    void busyboxPath() throws Exception {
        agent = new BusyboxAgent(dir, "makedumpfile", "curl");
    }

    @Test
    void usageErrorsExitOneNamingTheValue() throws Exception {
        BusyboxAgent.Result r = agent(List.of("--port", "1"));
        assertEquals(1, r.rc(), r.out());
        assertTrue(r.out().contains("--server HOST is required"), r.out());
        r = agent(List.of("--server", "127.0.0.1", "--level", "40"));
        assertEquals(1, r.rc(), r.out());
        assertTrue(r.out().contains("--level \"40\": expected a dump level 0..31"), r.out());
        r = agent(List.of("--server", "127.0.0.1", "--transport", "ftp"));
        assertEquals(1, r.rc(), r.out());
        assertTrue(r.out().contains("--transport \"ftp\": expected tcp, http or ssh"), r.out());
        Path conf = dir.resolve("bad.conf");
        Files.writeString(conf, "server=127.0.0.1\ncolour=blue\n");
        r = agent(List.of("--config", conf.toString()));
        assertEquals(1, r.rc(), r.out());
        assertTrue(r.out().contains(conf + ":2: unknown option \"colour\""), r.out());
    }

    @Test
    void configFileAloneUploadsOverTcpIdenticalToOracle() throws Exception {
        try (TestServer server = new TestServer(dir.resolve("server"), 0, 0, Map.of()).start()) {
            Path conf = dir.resolve("vmcored-agent.conf");
            Files.writeString(conf, "# as installed in /etc\nserver = 127.0.0.1\nport=" + server.tcpPort()
                    + "\ntransport=tcp   # tcp, http or ssh\nhost=conf-host\ncompress=\"lzo\"\nlevel=31\n");
            BusyboxAgent.Result r = agent(List.of("--config", conf.toString(), "--vmcore", Fixtures.vmcore().toString(),
                    "--work-dir", dir.resolve("work").toString()));
            assertEquals(0, r.rc(), r.out());
            Path dump = server.onlyDump();
            assertEquals("complete", TestServer.manifest(dump).path("state").asText());
            assertSameBytes(Fixtures.oracle("kdump-lzo-d31"), dump.resolve("vmcore"));
            assertSameBytes(Fixtures.dmesg("kdump-lzo-d31"), dump.resolve("vmcore-dmesg.txt"));
        }
    }

    @Test
    void httpTransportUploadsIdenticalToOracle() throws Exception {
        try (TestServer server = new TestServer(dir.resolve("server"), 0, 0, Map.of()).start()) {
            BusyboxAgent.Result r = agent(List.of("--server", "127.0.0.1", "--transport", "http", "--port",
                    Integer.toString(server.httpPort()), "--host", "http-host", "--compress", "zlib",
                    "--vmcore", Fixtures.vmcore().toString(), "--work-dir", dir.resolve("work").toString()));
            assertEquals(0, r.rc(), r.out());
            Path dump = server.onlyDump();
            JsonNode m = TestServer.manifest(dump);
            assertEquals("complete", m.path("state").asText(), r.out());
            assertEquals("zlib", m.path("sender").path("compress").asText(), "what the agent used, over http: " + m);
            assertSameBytes(Fixtures.oracle("kdump-zlib-d31"), dump.resolve("vmcore"));
        }
    }

    @Test
    void httpUploadCutByItsProducerIsReadAsIncompleteAndResumed() throws Exception {
        // the first makedumpfile -F stops after 1 MB and exits 0: curl ends the body cleanly, so the
        // server answers the cut upload itself (422) and the agent must resume from its offset
        Path mdf = dir.resolve("bin/makedumpfile");
        Files.delete(mdf);
        Files.writeString(mdf, "#!" + BusyboxAgent.which("busybox") + " sh\n"
                + "case \" $* \" in *\" -F \"*) if [ ! -e " + dir.resolve("cut-once") + " ]; then\n"
                + "  : > " + dir.resolve("cut-once") + "; " + BusyboxAgent.which("makedumpfile") + " \"$@\" | head -c 1000000\n"
                + "  exit 0; fi ;; esac\n"
                + "exec " + BusyboxAgent.which("makedumpfile") + " \"$@\"\n");
        Files.setPosixFilePermissions(mdf, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (TestServer server = new TestServer(dir.resolve("server"), 0, 0, Map.of()).start()) {
            BusyboxAgent.Result r = agent(List.of("--server", "127.0.0.1", "--transport", "http", "--port",
                    Integer.toString(server.httpPort()), "--host", "cut-host", "--compress", "zlib",
                    "--vmcore", Fixtures.vmcore().toString(), "--work-dir", dir.resolve("work").toString()));
            assertEquals(0, r.rc(), r.out());
            assertTrue(r.out().matches("(?s).*vmcore: upload cut at [0-9]+ bytes \\(incomplete: .*"),
                    "the 422 read as FAIL reason=incomplete with its committed bytes: " + r.out());
            assertTrue(r.out().matches("(?s).*vmcore: resuming at byte [1-9][0-9]* .*"), "resumed: " + r.out());
            Path dump = server.onlyDump();
            assertEquals("complete", TestServer.manifest(dump).path("state").asText(), r.out());
            assertSameBytes(Fixtures.oracle("kdump-zlib-d31"), dump.resolve("vmcore"));
        }
    }

    @Test
    void kernelLogOnlyOverHttpEndsTheDump() throws Exception {
        try (TestServer server = new TestServer(dir.resolve("server"), 0, 0,
                Map.of("steer.dmesg-only-below", "1000T")).start()) {
            assertKernelLogOnly(server, "http", server.httpPort());
        }
    }

    @Test
    void serverSteersCompressionAndLevelForAHostWithManyDumps() throws Exception {
        try (TestServer server = new TestServer(dir.resolve("server"), 0, 0,
                Map.of("steer.host-dumps", "1", "steer.level", "1", "steer.compress", "lzo")).start()) {
            List<String> base = List.of("--server", "127.0.0.1", "--port", Integer.toString(server.tcpPort()),
                    "--host", "busy-host", "--compress", "zlib", "--vmcore", Fixtures.vmcore().toString(),
                    "--work-dir", dir.resolve("work").toString());
            BusyboxAgent.Result first = agent(concat(base, "--dump-id", "first"));
            assertEquals(0, first.rc(), first.out());
            BusyboxAgent.Result second = agent(concat(base, "--dump-id", "second"));
            assertEquals(0, second.rc(), second.out());
            assertTrue(second.out().contains("server asks for dump level 1 instead of 31"), second.out());
            List<Path> dumps = server.dumps();
            assertEquals(2, dumps.size(), "dumps: " + dumps);
            JsonNode m1 = TestServer.manifest(dumps.get(0));
            JsonNode m2 = TestServer.manifest(dumps.get(1));
            JsonNode steered = m1.path("clientId").asText().equals("second") ? m1 : m2;
            Path steeredDir = steered == m1 ? dumps.get(0) : dumps.get(1);
            Path plainDir = steered == m1 ? dumps.get(1) : dumps.get(0);
            assertEquals("1", steered.path("steer").path("level").asText(), "steering in manifest: " + steered);
            assertEquals("lzo", steered.path("steer").path("compress").asText(), "steering in manifest: " + steered);
            assertEquals("1", steered.path("sender").path("level").asText(), "what the agent used: " + steered);
            assertEquals("lzo", steered.path("sender").path("compress").asText(), "what the agent used: " + steered);
            assertSameBytes(Fixtures.oracle("kdump-zlib-d31"), plainDir.resolve("vmcore"));
            assertSameBytes(Fixtures.oracle("kdump-lzo-d1"), steeredDir.resolve("vmcore"));
        }
    }

    /**
     * The second crash with the same signature, past the policy's one full dump: the server
     * reads the kernel log the agent sent first and asks for nothing more; the dump ends
     * complete with its log, the decision in its manifest and in the metrics.
     */
    @Test
    void aCrashAlreadyDumpedIsKernelLogOnlyPastTheQuota() throws Exception {
        try (TestServer server = new TestServer(dir.resolve("server"), 0, 0,
                Map.of("admission.full-per-signature", "1")).start()) {
            List<String> base = List.of("--server", "127.0.0.1", "--port", Integer.toString(server.tcpPort()),
                    "--vmcore", Fixtures.vmcore().toString(), "--work-dir", dir.resolve("work").toString());
            BusyboxAgent.Result first = agent(concat(base, "--host", "crash-1"));
            assertEquals(0, first.rc(), first.out());
            BusyboxAgent.Result second = agent(concat(base, "--host", "crash-2"));
            assertEquals(0, second.rc(), second.out());
            assertTrue(second.out().contains("server asks for the kernel log only (steer-mode=dmesg, signature_quota)"),
                    second.out());
            List<Path> dumps = server.dumps();
            assertEquals(2, dumps.size(), "dumps: " + dumps);
            Path full = dumps.get(0).toString().contains("crash-1") ? dumps.get(0) : dumps.get(1);
            Path logOnly = full == dumps.get(0) ? dumps.get(1) : dumps.get(0);
            JsonNode a = TestServer.manifest(full).path("admission");
            JsonNode b = TestServer.manifest(logOnly).path("admission");
            assertEquals("full", a.path("decision").asText(), "first of its crash: " + a);
            assertEquals("dmesg", b.path("decision").asText(), "second: " + b);
            assertEquals("signature_quota", b.path("reason").asText(), "second: " + b);
            assertEquals(a.path("signature").asText(), b.path("signature").asText(), "one crash");
            assertTrue(a.path("signature").asText().matches("[0-9a-f]{16}"), "signature from the kernel log: " + a);
            assertEquals("complete", TestServer.manifest(logOnly).path("state").asText());
            assertFalse(Files.exists(logOnly.resolve("vmcore")), "no dump sent");
            assertSameBytes(Fixtures.dmesg("kdump-lzo-d31"), logOnly.resolve("vmcore-dmesg.txt"));
            assertSameBytes(Fixtures.oracle("kdump-lzo-d31"), full.resolve("vmcore"));
            String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + server.httpPort() + "/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.contains("vmcored_admission_decisions_total{decision=\"dmesg\",reason=\"signature_quota\"} 1.0"),
                    metrics);
        }
    }

    /**
     * With one full dump allowed at a time and another host's upload running, the agent is
     * told to wait: it waits (not a failure), asks again, and sends its dump once the slot is
     * free.
     */
    @Test
    void aSenderToldToWaitWaitsItsTurnAndThenSends() throws Exception {
        try (TestServer server = new TestServer(dir.resolve("server"), 0, 0,
                Map.of("admission.max-concurrent-full", "1", "admission.wait", "1s")).start();
             java.net.Socket holder = new java.net.Socket("127.0.0.1", server.tcpPort())) {
            // another host's dump upload holds the one slot until its connection goes
            holder.getOutputStream().write("VMCORED/1 PUT host=holder dump=h1 offset=0\n".getBytes(
                    java.nio.charset.StandardCharsets.US_ASCII));
            holder.getOutputStream().write(Files.readAllBytes(Fixtures.stream("kdump-lzo-d31")), 0, 100_000);
            holder.getOutputStream().flush();
            Thread release = new Thread(() -> {
                try {
                    Thread.sleep(4000);
                    holder.close();
                } catch (Exception e) {
                    // the test fails on the agent's output
                }
            });
            release.start();
            BusyboxAgent.Result r = agent(List.of("--server", "127.0.0.1", "--port", Integer.toString(server.tcpPort()),
                    "--host", "patient", "--retries", "0", "--vmcore", Fixtures.vmcore().toString(),
                    "--work-dir", dir.resolve("work").toString()));
            release.join();
            assertEquals(0, r.rc(), "waiting is not a failure, even with --retries 0: " + r.out());
            assertTrue(r.out().contains("server asks to wait 1s before sending the dump (concurrency)"), r.out());
            Path dump = server.dumps().stream().filter(d -> d.toString().contains("patient")).findFirst().orElseThrow();
            assertEquals("full", TestServer.manifest(dump).path("admission").path("decision").asText());
            assertSameBytes(Fixtures.oracle("kdump-lzo-d31"), dump.resolve("vmcore"));
        }
    }

    @Test
    void serverLowOnDiskGetsTheKernelLogOnly() throws Exception {
        try (TestServer server = new TestServer(dir.resolve("server"), 0, 0,
                Map.of("steer.dmesg-only-below", "1000T")).start()) {
            assertKernelLogOnly(server, "tcp", server.tcpPort());
        }
    }

    @Test
    void unreachableServerWithoutFallbackGivesUpWithTwo() throws Exception {
        int port = E2eSupport.freePort();
        Path local = dir.resolve("local");
        BusyboxAgent.Result r = agent(List.of("--server", "127.0.0.1", "--port", Integer.toString(port), "--retries", "1",
                "--host", "lonely", "--vmcore", Fixtures.vmcore().toString(), "--work-dir", dir.resolve("work").toString()));
        assertEquals(2, r.rc(), r.out());
        assertTrue(r.out().contains("giving up on 127.0.0.1:" + port + " after 1 retries"), r.out());
        r = agent(List.of("--server", "127.0.0.1", "--port", Integer.toString(port), "--retries", "0",
                "--host", "lonely", "--fallback-dir", local.toString(), "--vmcore", Fixtures.vmcore().toString(),
                "--work-dir", dir.resolve("work").toString()));
        assertEquals(3, r.rc(), "exit 3 = written locally only: " + r.out());
        try (var s = Files.list(local)) {
            Path d = s.findFirst().orElseThrow();
            assertSameBytes(Fixtures.oracle("kdump-lzo-d31"), d.resolve("vmcore"));
        }
    }

    /** Over HTTP too: "no answer" with curl's reason, as over TCP, not an HTTP status 000 nor a shell error. */
    @Test
    void unreachableServerOverHttpIsNoAnswer() throws Exception {
        int port = E2eSupport.freePort();
        BusyboxAgent.Result r = agent(List.of("--server", "127.0.0.1", "--port", Integer.toString(port), "--transport",
                "http", "--retries", "1", "--host", "lonely", "--vmcore", Fixtures.vmcore().toString(), "--work-dir",
                dir.resolve("work").toString()));
        assertEquals(2, r.rc(), r.out());
        assertTrue(r.out().contains("no answer from 127.0.0.1:" + port + " (curl: "), r.out());
        assertFalse(r.out().contains("http_000"), r.out());
        assertFalse(r.out().contains("open"), "no shell error about a missing answer file: " + r.out());
        assertTrue(r.out().contains("giving up on 127.0.0.1:" + port + " after 1 retries"), r.out());
    }

    private BusyboxAgent.Result agent(List<String> args) throws IOException, InterruptedException {
        return agent.run(args);
    }

    private static List<String> concat(List<String> a, String... b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(List.of(b));
        return all;
    }

    /** The agent, steered to the kernel log only, sends just that and the dump ends complete. */
    private void assertKernelLogOnly(TestServer server, String transport, int port) throws Exception {
        BusyboxAgent.Result r = agent(List.of("--server", "127.0.0.1", "--transport", transport, "--port",
                Integer.toString(port), "--host", "log-host", "--vmcore", Fixtures.vmcore().toString(),
                "--work-dir", dir.resolve("work").toString()));
        assertEquals(0, r.rc(), r.out());
        assertTrue(r.out().contains("kernel log only"), r.out());
        Path dump = server.onlyDump();
        JsonNode m = TestServer.manifest(dump);
        assertEquals("complete", m.path("state").asText(), "state: " + m);
        assertEquals("dmesg", m.path("steer").path("mode").asText(), "steering in manifest: " + m);
        assertFalse(Files.exists(dump.resolve("vmcore")), "no dump file was sent");
        assertSameBytes(Fixtures.dmesg("kdump-lzo-d31"), dump.resolve("vmcore-dmesg.txt"));
    }

    private static void assertSameBytes(Path expected, Path actual) throws IOException {
        assertTrue(Files.exists(actual), actual + " exists");
        assertEquals(Files.size(expected), Files.size(actual), actual + " size vs " + expected);
        assertArrayEquals(Files.readAllBytes(expected), Files.readAllBytes(actual), actual + " bytes vs " + expected);
    }
}
