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
