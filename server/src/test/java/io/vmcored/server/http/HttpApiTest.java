package io.vmcored.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmcored.protocol.testsupport.Fixtures;
import io.vmcored.server.config.ServerConfig;
import io.vmcored.server.daemon.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP API driven by curl: upload, resume, list, metadata, download with Range, tokens, /metrics. */
class HttpApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OP = "operator-secret-1";
    private static final String HOST_TOKEN = "web1-secret-1";

    @TempDir
    Path tmp;

    @Test
    void curlUploadResumeListDownloadAndMetrics() throws Exception {
        String name = "kdump-zlib-d31";
        Path flat = Fixtures.stream(name);
        ServerConfig c = TestServer.config(tmp);
        c.operatorToken = OP;
        c.hostTokens.put("web1", HOST_TOKEN);
        try (TestServer s = TestServer.start(c)) {
            String base = "http://127.0.0.1:" + s.http() + "/api/v1/dumps";
            String auth = " -H 'Authorization: Bearer " + HOST_TOKEN + "' ";
            // a host token of another host may not upload web2
            assertEquals("401", s.sh("curl -s -o /dev/null -w '%{http_code}' -T " + flat + auth + "'" + base + "/web2'"),
                    "web1's token uploading web2");
            // cut: only 5 MB of the stream arrive in a complete body; kept, but no success (422)
            String cutReply = s.sh("head -c 5000000 " + flat + " | curl -sS -w '\\n%{http_code}' -T -" + auth + "'"
                    + base + "/web1?dump=b7&level=31&compress=zlib'");
            int nl = cutReply.lastIndexOf('\n');
            assertEquals("422", cutReply.substring(nl + 1).strip(), "status of a cut upload: " + cutReply);
            JsonNode cut = json(cutReply.substring(0, nl));
            assertEquals("incomplete", cut.get("state").asText(), "cut upload: " + cut);
            assertEquals("incomplete", cut.get("fileState").asText(), "cut upload's file: " + cut);
            assertTrue(cut.get("committed").asLong() > 0 && cut.get("offset").asLong() <= cut.get("committed").asLong(),
                    "where to resume: " + cut);
            String head = s.sh("curl -sS -I" + auth + "'" + base + "/web1?dump=b7'");
            long off = Long.parseLong(header(head, "x-vmcored-offset"));
            assertEquals(cut.get("offset").asLong(), off, "HEAD offset equals the PUT's answer");
            JsonNode done = json(s.sh("tail -c +" + (off + 1) + " " + flat + " | curl -sS -T -" + auth + "'" + base
                    + "/web1?dump=b7&offset=" + off + "'"));
            assertEquals("complete", done.get("state").asText(), "resumed upload: " + done);
            String id = done.get("id").asText();
            // a sender whose final answer was lost asks again: the file is complete, nothing to resend
            String again = s.sh("curl -sS -I" + auth + "'" + base + "/web1?dump=b7'");
            assertEquals("complete", header(again, "x-vmcored-file-state"), again);
            assertEquals("complete", json(s.sh("curl -sS" + auth + "'" + base + "/web1?dump=b7'")).get("fileState").asText());
            // END of a dump its last file already ended: answered, not announced (analyzed) a second time
            double analyzed = 0;
            for (int i = 0; i < 100 && analyzed < 2; i++) { // the cut attempt and the complete dump, after the answers
                Thread.sleep(100);
                analyzed = analyzed(s);
            }
            assertEquals(2.0, analyzed, "dumps analyzed: the cut attempt and the complete dump");
            JsonNode end = json(s.sh("curl -sS -X POST" + auth + "'" + base + "/web1/end?dump=b7'"));
            assertEquals("complete", end.get("state").asText(), "END: " + end);
            Thread.sleep(300);
            assertEquals(analyzed, analyzed(s), "END after the dump ended must not analyze it again");
            assertEquals("404", s.sh("curl -s -o /dev/null -w '%{http_code}' -X POST" + auth + "'" + base
                    + "/web1/end?dump=nope'"), "END of an unknown dump");

            String op = " -H 'Authorization: Bearer " + OP + "' ";
            assertEquals("401", s.sh("curl -s -o /dev/null -w '%{http_code}'" + auth + "'" + base + "'"),
                    "listing with a host token");
            JsonNode list = json(s.sh("curl -sS" + op + "'" + base + "?host=web1&state=complete'"));
            assertEquals(1, list.get("items").size(), "filtered list: " + list);
            assertEquals(1, list.get("total").asInt(), "filtered list's total: " + list);
            assertTrue(list.get("next").isNull(), "one page, no next cursor: " + list);
            assertEquals(id, list.get("items").get(0).get("id").asText(), "listed id");
            JsonNode meta = json(s.sh("curl -sS" + op + "'" + base + "/" + id + "'"));
            assertEquals("kdump-compressed", meta.get("inspect").get("format").asText(), "inspection: " + meta);
            assertEquals(1, meta.get("resumes").asInt(), "resumes");
            assertEquals("zlib", meta.get("sender").get("compress").asText(), "what the sender said it used: " + meta);
            assertEquals("31", meta.get("sender").get("level").asText(), "what the sender said it used: " + meta);

            Path dl = tmp.resolve("dl");
            s.sh("curl -sS -o " + dl + op + "'" + base + "/" + id + "/vmcore'");
            assertEquals(-1, Files.mismatch(dl, Fixtures.oracle(name)), "download vs makedumpfile -R");
            Path part = tmp.resolve("part");
            s.sh("curl -sS -r 1000-4999 -o " + part + op + "'" + base + "/" + id + "/vmcore'");
            byte[] want = new byte[4000];
            System.arraycopy(Files.readAllBytes(Fixtures.oracle(name)), 1000, want, 0, 4000);
            assertEquals(-1, Files.mismatch(part, Files.write(tmp.resolve("want"), want)), "Range 1000-4999");

            assertEquals("ok\n", s.sh("curl -sS http://127.0.0.1:" + s.http() + "/healthz"), "/healthz");
            Map<String, Double> metrics = PrometheusText.parse(s.sh("curl -sS http://127.0.0.1:" + s.http() + "/metrics"));
            assertEquals(1.0, metrics.get("vmcored_uploads_finished_total{outcome=\"complete\",transport=\"http\"}"),
                    "complete http uploads");
            assertEquals(1.0, metrics.get("vmcored_upload_resumes_total{transport=\"http\"}"), "resumes");

            assertEquals(1.0, metrics.get("vmcored_uploads_refused_total{reason=\"unauthorized\"}"), "refused");
            assertTrue(metrics.get("vmcored_spool_free_bytes") > 0, "spool free gauge");
            assertEquals(5000000.0 + Files.size(flat) - off,
                    metrics.get("vmcored_received_bytes_total{transport=\"http\"}"), "bytes received");
        }
    }

    private static double analyzed(TestServer s) throws Exception {
        return PrometheusText.parse(s.sh("curl -sS http://127.0.0.1:" + s.http() + "/metrics")).entrySet().stream()
                .filter(e -> e.getKey().startsWith("vmcored_dumps_analyzed_total")).mapToDouble(Map.Entry::getValue).sum();
    }

    @Test
    void aCutUploadFailsCurlFailAndSaysWhereToResume() throws Exception {
        Path flat = Fixtures.stream("kdump-zlib-d31");
        try (TestServer s = TestServer.start(tmp)) {
            String url = "'http://127.0.0.1:" + s.http() + "/api/v1/dumps/web3?dump=c1'";
            // a sender that trusts curl --fail must not take a cut upload for a stored one
            String out = s.sh("head -c 1000000 " + flat + " | curl --fail-with-body -sS -T - " + url
                    + " 2>/dev/null; rc=$?; echo; echo rc=$rc");
            int nl = out.lastIndexOf("\nrc=");
            assertEquals("rc=22", out.substring(nl + 1).strip(), "curl --fail on a cut upload: " + out);
            JsonNode cut = json(out.substring(0, nl));
            assertEquals("incomplete", cut.get("fileState").asText(), "the body still says what was kept: " + cut);
            String head = s.sh("curl -sS -I " + url);
            assertEquals(header(head, "x-vmcored-offset"), cut.get("offset").asText(), "resume offset: " + cut);
            assertEquals(header(head, "x-vmcored-committed"), cut.get("committed").asText(), "committed: " + cut);
        }
    }

    static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    static String header(String headers, String name) {
        Map<String, String> h = new HashMap<>();
        for (String line : headers.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                h.put(line.substring(0, colon).trim().toLowerCase(), line.substring(colon + 1).trim());
            }
        }
        return h.get(name);
    }
}
