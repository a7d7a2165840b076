package io.vmcored.server.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmcored.protocol.testsupport.Fixtures;
import io.vmcored.server.catalog.DumpRecord;
import io.vmcored.server.catalog.DumpState;
import io.vmcored.server.config.ServerConfig;
import io.vmcored.server.daemon.TestServer;
import io.vmcored.server.http.PrometheusText;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash analysis on a real server: real fixture streams sent with nc and curl, the stored
 * kernel log compared with the real makedumpfile --dump-dmesg, the crash report in the
 * manifest and the API, the signature groups (also after a restart) and the metrics.
 */
class CrashAnalysisTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OP = "operator-secret-1";
    private static final String PANIC = "Kernel panic - not syncing: sysrq triggered crash";

    @TempDir
    Path tmp;

    @Test
    void problemsWithADamagedDumpNeverNameTheServersPaths() throws Exception {
        byte[] bogus = new byte[16384]; // a kdump signature and nothing valid after it
        System.arraycopy("KDUMP   ".getBytes(StandardCharsets.US_ASCII), 0, bogus, 0, 8);
        Path body = Files.write(tmp.resolve("bogus.dump"), bogus);
        ServerConfig c = TestServer.config(tmp);
        c.operatorToken = OP;
        try (TestServer s = TestServer.start(c)) {
            s.sh("curl -sS -o /dev/null -H 'Authorization: Bearer " + OP + "' -T " + body + " http://127.0.0.1:$HTTP/api/v1/dumps/web3");
            DumpRecord r = Waits.analyzed(s, "web3");
            String meta = s.sh("curl -sS -H 'Authorization: Bearer " + OP + "' http://127.0.0.1:$HTTP/api/v1/dumps/" + r.id());
            assertTrue(meta.contains("vmcore: "), "the problems name the file as the dump directory does: " + meta);
            assertFalse(meta.contains(tmp.toString()) || meta.contains(c.spoolDir.toAbsolutePath().toString()),
                    "no server path in the manifest the API serves: " + meta);
        }
    }

    @Test
    void twoStreamsOfOneCrashGroupUnderOneSignature() throws Exception {
        Path kdump = Fixtures.stream("kdump-zlib-d31");
        Path elf = Fixtures.stream("elf-d31");
        ServerConfig c = TestServer.config(tmp);
        c.operatorToken = OP;
        String sig;
        try (TestServer s = TestServer.start(c)) {
            s.sh("nc -N 127.0.0.1 $PORT < " + kdump);
            s.sh("curl -sS -o /dev/null -H 'Authorization: Bearer " + OP + "' -T " + elf + " http://127.0.0.1:$HTTP/api/v1/dumps/web2");
            DumpRecord a = Waits.analyzed(s, "127.0.0.1");
            DumpRecord b = Waits.analyzed(s, "web2");
            for (DumpRecord r : new DumpRecord[] {a, b}) {
                assertEquals(DumpState.COMPLETE, r.state(), "state of " + r.id() + ": " + r.snapshot().problem);
                byte[] want = Waits.makedumpfileDmesg(r.fileFor("vmcore"), tmp);
                assertArrayEquals(want, Files.readAllBytes(r.fileFor("dmesg.txt")),
                        "dmesg.txt of " + r.id() + " must equal makedumpfile --dump-dmesg of the stored dump");
                checkReport(r, new String(want, StandardCharsets.ISO_8859_1));
            }
            sig = (String) a.snapshot().analysis.get("signature");
            assertTrue(sig.matches("[0-9a-f]{16}"), "signature: " + sig);
            assertEquals(sig, b.snapshot().analysis.get("signature"), "kdump and ELF streams of one crash: one signature");

            String op = " -H 'Authorization: Bearer " + OP + "' ";
            JsonNode meta = JSON.readTree(s.sh("curl -sS" + op + "http://127.0.0.1:$HTTP/api/v1/dumps/" + b.id()));
            assertEquals(PANIC, meta.get("analysis").get("panicLine").asText(), "API manifest: " + meta);
            assertEquals(sig, meta.get("analysis").get("signature").asText(), "API signature");
            JsonNode list = JSON.readTree(s.sh("curl -sS" + op + "http://127.0.0.1:$HTTP/api/v1/dumps")).get("items");
            assertEquals(sig, list.get(0).get("signature").asText(), "signature in the dump list: " + list);
            assertEquals(PANIC, list.get(0).get("panic").asText(), "panic in the dump list");
            JsonNode bySig = JSON.readTree(s.sh("curl -sS" + op + "http://127.0.0.1:$HTTP/api/v1/dumps?signature=" + sig));
            assertEquals(2, bySig.get("total").asInt(), "the listing filtered by the signature: " + bySig);

            assertEquals("401", s.sh("curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$HTTP/api/v1/signatures"),
                    "signatures without the operator token");
            checkGroups(JSON.readTree(s.sh("curl -sS" + op + "http://127.0.0.1:$HTTP/api/v1/signatures")), sig, a, b);

            Map<String, Double> metrics = PrometheusText.parse(s.sh("curl -sS http://127.0.0.1:$HTTP/metrics"));
            assertEquals(1.0, metrics.get("vmcored_crash_signatures"), "distinct groups");
            assertEquals(2.0, metrics.get("vmcored_dumps_analyzed_total{outcome=\"complete\"}"), "analyzed, complete");
            assertEquals(0.0, metrics.get("vmcored_dumps_analyzed_total{outcome=\"failed\"}"), "analyzed, failed");
            assertEquals(2.0, metrics.get("vmcored_crashes_total{signature_group=\"" + sig + "\"}"), "crashes of the group");
            assertEquals(0.0, metrics.get("vmcored_crashes_total{signature_group=\"other\"}"), "crashes of other groups");
            assertEquals(0.0, metrics.get("vmcored_analysis_dropped_total"), "dropped analyses");
        }
        // the group index comes back from the manifests alone
        try (TestServer s = TestServer.start(c)) {
            JsonNode groups = JSON.readTree(s.sh("curl -sS -H 'Authorization: Bearer " + OP
                    + "' http://127.0.0.1:$HTTP/api/v1/signatures"));
            assertEquals(1, groups.size(), "groups after restart: " + groups);
            assertEquals(2, groups.get(0).get("count").asInt(), "count after restart");
            Map<String, Double> metrics = PrometheusText.parse(s.sh("curl -sS http://127.0.0.1:$HTTP/metrics"));
            assertEquals(2.0, metrics.get("vmcored_crashes_total{signature_group=\"" + sig + "\"}"), "crashes after restart");
        }
    }

    @Test
    void cutDumpRecordsWhatCouldNotBeReadAndUsesTheSendersKernelLog() throws Exception {
        Path flat = Fixtures.stream("kdump-zlib-d31");
        Path clientLog = Fixtures.dmesg("kdump-zlib-d31");
        try (TestServer s = TestServer.start(tmp)) {
            String base = "http://127.0.0.1:$HTTP/api/v1/dumps/web3?dump=boot-7";
            s.sh("curl -sS -o /dev/null -T " + clientLog + " \"" + base + "&file=vmcore-dmesg.txt\"");
            s.sh("head -c 3000000 " + flat + " | curl -sS -o /dev/null -T - \"" + base + "\"");
            DumpRecord r = Waits.analyzed(s, "web3");
            assertEquals(DumpState.INCOMPLETE, r.state(), "a cut stream");
            Map<String, Object> an = r.snapshot().analysis;
            assertTrue(an.get("outcome").equals("failed") || an.get("outcome").equals("partial"), "outcome: " + an);
            assertFalse(((List<?>) an.get("problems")).isEmpty(), "problems must say what was missing: " + an);
            assertEquals("client", an.get("source"), "the crash came from the sender's log: " + an);
            assertEquals("vmcore-dmesg.txt", an.get("clientDmesg"), "sender's log recorded");
            assertEquals(PANIC, an.get("panicLine"), "panic line from the sender's log");
            assertEquals(-1, Files.mismatch(r.fileFor("vmcore-dmesg.txt"), clientLog), "the sender's log is kept as sent");
            Map<String, Double> metrics = PrometheusText.parse(s.sh("curl -sS http://127.0.0.1:$HTTP/metrics"));
            assertEquals(1.0, metrics.get("vmcored_dumps_analyzed_total{outcome=\"" + an.get("outcome") + "\"}"),
                    "analyzed counter of the cut dump");
        }
    }

    @Test
    void dumpsStoredWithoutAnalysisAreAnalyzedAtTheNextStart() throws Exception {
        String name = "kdump-lzo-d31";
        ServerConfig off = TestServer.config(tmp).set("analysis.enabled", "false");
        try (TestServer s = TestServer.start(off)) {
            s.sh("nc -N 127.0.0.1 $PORT < " + Fixtures.stream(name));
            Waits.until("the dump stored", () -> s.ctx().catalog().list(r -> r.state() == DumpState.COMPLETE).size() == 1);
            DumpRecord r = s.ctx().catalog().list(x -> true).get(0);
            assertNull(r.snapshot().analysis, "analysis.enabled=false: no analysis");
            assertFalse(Files.exists(r.fileFor("dmesg.txt")), "analysis.enabled=false: no dmesg.txt");
        }
        try (TestServer s = TestServer.start(TestServer.config(tmp))) {
            DumpRecord r = Waits.analyzed(s, "127.0.0.1");
            assertEquals(PANIC, r.snapshot().analysis.get("panicLine"), "analyzed after the restart");
            assertEquals(-1, Files.mismatch(r.fileFor("dmesg.txt"), Fixtures.dmesg(name)),
                    "dmesg.txt equals the fixture's makedumpfile --dump-dmesg");
            Waits.until("the group indexed", () -> s.ctx().crash().signatures().size() == 1);
        }
    }

    private static void checkReport(DumpRecord r, String log) {
        Map<String, Object> an = r.snapshot().analysis;
        assertEquals("complete", an.get("outcome"), "outcome of " + r.id() + ": " + an);
        assertEquals("dump", an.get("source"), "source");
        assertEquals("dmesg.txt", an.get("dmesgFile"), "log file");
        assertEquals(PANIC, an.get("panicLine"), "panic line of " + r.id());
        assertEquals("sysrq_handle_crash", an.get("faultingFunction"), "faulting function");
        assertEquals(List.of("sysrq_handle_crash", "__handle_sysrq", "write_sysrq_trigger", "proc_reg_write",
                "vfs_write"), an.get("topFrames"), "first call-trace frames, offsets and .cold removed");
        Matcher v = Pattern.compile("\\] Linux version (\\S+) ").matcher(log);
        assertTrue(v.find(), "makedumpfile's log names the kernel");
        assertEquals(v.group(1), an.get("kernelRelease"), "kernel release");
        Matcher p = Pattern.compile("\\[\\s*(\\d+\\.\\d+)\\] " + Pattern.quote(PANIC)).matcher(log);
        assertTrue(p.find(), "makedumpfile's log has the panic line");
        assertEquals(p.group(1), an.get("uptime"), "uptime at the crash");
        assertNull(an.get("clientDmesg"), "no sender log was sent");
    }

    private static void checkGroups(JsonNode groups, String sig, DumpRecord a, DumpRecord b) {
        assertEquals(1, groups.size(), "groups: " + groups);
        JsonNode g = groups.get(0);
        assertEquals(sig, g.get("signature").asText(), "group key");
        assertEquals(2, g.get("count").asInt(), "dumps in the group");
        assertEquals(2, g.get("hostCount").asInt(), "hosts in the group");
        assertEquals("[\"127.0.0.1\",\"web2\"]", g.get("hosts").toString(), "hosts");
        assertEquals(PANIC, g.get("panicLine").asText(), "sample panic line");
        String first = a.snapshot().created.compareTo(b.snapshot().created) <= 0 ? a.snapshot().created : b.snapshot().created;
        String last = a.snapshot().created.compareTo(b.snapshot().created) <= 0 ? b.snapshot().created : a.snapshot().created;
        assertEquals(Instant.parse(first).toString(), g.get("firstSeen").asText(), "first seen");
        assertEquals(Instant.parse(last).toString(), g.get("lastSeen").asText(), "last seen");
    }
}
