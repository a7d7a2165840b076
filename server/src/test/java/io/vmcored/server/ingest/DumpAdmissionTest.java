package io.vmcored.server.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.protocol.testsupport.Fixtures;
import io.vmcored.server.config.ServerConfig;
import io.vmcored.server.daemon.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admission decision a sender gets when it asks for its dump file, after sending its kernel
 * log, over the real TCP handshake: the crash signature's quota, the operator's run-time
 * exceptions (kept across a restart), and the cap on full dumps at once.
 */
class DumpAdmissionTest {

    @TempDir
    Path tmp;

    @Test
    void theQuotaPerSignatureAndTheOperatorsExceptions() throws Exception {
        ServerConfig c = TestServer.config(tmp).set("admission.full-per-signature", "2")
                .set("admission.max-concurrent-full", "0");
        try (TestServer s = TestServer.start(c)) {
            assertEquals("full within_quota", ask(s, "h1"), "first of its crash");
            assertEquals("full within_quota", ask(s, "h2"), "second");
            assertEquals("dmesg signature_quota", ask(s, "h3"), "third: the kernel log is enough");
            assertEquals("full within_quota", ask(s, "h1"), "asking again keeps a grant (a resume is never turned away)");
            Map<String, String> view = json(s.sh("curl -sS http://127.0.0.1:$HTTP/api/v1/admission"));
            assertTrue(view.get("fullBySignature").matches("\\{\"[0-9a-f]{16}\":2}"), "counts: " + view);
            String signature = view.get("fullBySignature").substring(2, 18);

            assertEquals(Map.of("host", "\"h4\"", "alwaysFull", "true"),
                    json(s.sh("curl -sS -X PUT http://127.0.0.1:$HTTP/api/v1/admission/hosts/h4")));
            assertEquals("full host_override", ask(s, "h4"), "the operator's host");
            assertEquals(Map.of("signature", "\"" + signature + "\"", "more", "1"), json(s.sh(
                    "curl -sS -X PUT \"http://127.0.0.1:$HTTP/api/v1/admission/signatures/" + signature + "?extra=1\"")));
            assertEquals("full within_quota", ask(s, "h5"), "one more of this crash");
            assertEquals("dmesg signature_quota", ask(s, "h6"), "and no more");
            assertEquals("400", s.sh("curl -s -o /dev/null -w '%{http_code}' -X PUT"
                    + " \"http://127.0.0.1:$HTTP/api/v1/admission/signatures/" + signature + "?extra=-3\""));
        }
        try (TestServer s = TestServer.start(c)) {
            assertEquals("full host_override", ask(s, "h4"), "the exception survives a restart");
            assertEquals("dmesg signature_quota", ask(s, "h7"), "and so do the counts, from the stored dumps");
        }
    }

    @Test
    void fullDumpsAtOnceAreCappedAndTheOthersWait() throws Exception {
        ServerConfig c = TestServer.config(tmp).set("admission.max-concurrent-full", "2").set("admission.wait", "7s");
        try (TestServer s = TestServer.start(c)) {
            assertEquals("full no_signature", decision(s.sh("echo 'VMCORED/1 HELLO host=a1 dump=x' | nc -N 127.0.0.1 $PORT")));
            assertEquals("full no_signature", decision(s.sh("echo 'VMCORED/1 HELLO host=a2 dump=x' | nc -N 127.0.0.1 $PORT")));
            String third = s.sh("echo 'VMCORED/1 HELLO host=a3 dump=x' | nc -N 127.0.0.1 $PORT");
            assertEquals("wait concurrency", decision(third));
            assertTrue(third.contains(" steer-mode=wait steer-wait=7 "), third);
            String metrics = s.sh("curl -sS http://127.0.0.1:$HTTP/metrics");
            assertTrue(metrics.contains("vmcored_admission_decisions_total{decision=\"wait\",reason=\"concurrency\"} 1.0"),
                    metrics);
        }
    }

    /** Sends {@code host}'s kernel log (the fixture crash), then asks for its dump file: "decision reason". */
    private static String ask(TestServer s, String host) throws Exception {
        Path log = Fixtures.dmesg("kdump-lzo-d31");
        String done = s.sh("{ echo 'VMCORED/1 PUT host=" + host + " dump=d1 file=vmcore-dmesg.txt offset=0'; cat " + log
                + "; } | nc -N 127.0.0.1 $PORT");
        assertTrue(done.startsWith("DONE ") || done.contains("file-state=complete"), "kernel log stored: " + done);
        return decision(s.sh("echo 'VMCORED/1 HELLO host=" + host + " dump=d1' | nc -N 127.0.0.1 $PORT"));
    }

    private static String decision(String reply) {
        Map<String, String> f = new HashMap<>();
        for (String w : reply.strip().split(" ")) {
            int eq = w.indexOf('=');
            if (eq > 0) {
                f.put(w.substring(0, eq), w.substring(eq + 1));
            }
        }
        return f.get("steer-decision") + " " + f.get("steer-reason");
    }

    private static Map<String, String> json(String text) throws Exception {
        Map<String, String> out = new HashMap<>();
        var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
        node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().toString()));
        return out;
    }
}
