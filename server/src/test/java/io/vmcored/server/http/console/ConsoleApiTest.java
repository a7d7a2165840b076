package io.vmcored.server.http.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmcored.protocol.testsupport.Fixtures;
import io.vmcored.protocol.testsupport.Requirements;
import io.vmcored.server.analysis.Waits;
import io.vmcored.server.config.ServerConfig;
import io.vmcored.server.daemon.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API the console reads, used without it, by curl: the event stream (an upload starting,
 * its progress, its end, the analysis, a deletion), the uploads in flight, hosts with their
 * enrolled SSH keys (fingerprints as ssh-keygen prints them), crash counts per hour by
 * signature, the spool's status; each refused without the operator token.
 */
class ConsoleApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OP = "operator-secret-2";
    private static final String FIXTURE = "kdump-zlib-d31";

    @TempDir
    Path tmp;

    /** The events of an SSE transcript: [name, data] pairs. */
    private static List<String[]> events(Path transcript) throws Exception {
        List<String[]> out = new ArrayList<>();
        String name = null;
        for (String line : Files.readAllLines(transcript, StandardCharsets.UTF_8)) {
            if (line.startsWith("event: ")) {
                name = line.substring(7);
            } else if (line.startsWith("data: ") && name != null) {
                out.add(new String[] {name, line.substring(6)});
                name = null;
            }
        }
        return out;
    }

    private static boolean has(Path transcript, String event) {
        try {
            return events(transcript).stream().anyMatch(e -> e[0].equals(event));
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void eventsUploadsHostsCountsAndStatusForAnyClient() throws Exception {
        Requirements.requirePrograms("curl", "ssh-keygen");
        Path stream = Fixtures.stream(FIXTURE);
        Path key = tmp.resolve("id_ed25519");
        new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "root@web1", "-f", key.toString())
                .inheritIO().start().waitFor(30, TimeUnit.SECONDS);
        ServerConfig c = TestServer.config(tmp).set("auth.operator-token", OP);
        Files.createDirectories(c.stateDir);
        Files.writeString(c.stateDir.resolve("authorized_keys"),
                "web1 " + Files.readString(key.resolveSibling("id_ed25519.pub")));
        String expectedFingerprint = new String(new ProcessBuilder("ssh-keygen", "-l", "-f", key + ".pub").start()
                .getInputStream().readAllBytes(), StandardCharsets.UTF_8).split(" ")[1];
        String op = " -H 'Authorization: Bearer " + OP + "' ";
        try (TestServer s = TestServer.start(c)) {
            for (String path : List.of("events", "uploads", "hosts", "stats/crashes", "status")) {
                assertEquals("401", s.sh("curl -s -m 5 -o /dev/null -w '%{http_code}' http://127.0.0.1:$HTTP/api/v1/" + path),
                        path + " without the operator token");
            }
            Path transcript = tmp.resolve("events.txt");
            Process sse = new ProcessBuilder("curl", "-sN", "-H", "Authorization: Bearer " + OP,
                    "http://127.0.0.1:" + s.http() + "/api/v1/events").redirectOutput(transcript.toFile()).start();
            Waits.until("the stream's first snapshot", () -> has(transcript, "uploads"));

            Process put = new ProcessBuilder("curl", "-sS", "--fail", "--limit-rate", "4M", "-o", "/dev/null",
                    "-H", "Authorization: Bearer " + OP, "-T", stream.toString(),
                    "http://127.0.0.1:" + s.http() + "/api/v1/dumps/web1").start();
            Waits.until("upload-started", () -> has(transcript, "upload-started"));
            JsonNode inFlight = JSON.readTree(s.sh("curl -sS" + op + "http://127.0.0.1:$HTTP/api/v1/uploads"));
            assertEquals(1, inFlight.size(), "one upload in flight: " + inFlight);
            assertEquals("web1", inFlight.get(0).get("host").asText());
            assertEquals("http", inFlight.get(0).get("transport").asText());
            assertEquals(Files.size(stream), inFlight.get(0).get("expected").asLong(), "Content-Length is the size");
            assertTrue(put.waitFor(120, TimeUnit.SECONDS) && put.exitValue() == 0, "the upload was answered 201");
            Waits.until("upload-completed and dump-analyzed", () -> has(transcript, "upload-completed")
                    && has(transcript, "dump-analyzed"));
            s.sh("curl -sS -o /dev/null" + op + "-T " + stream + " http://127.0.0.1:$HTTP/api/v1/dumps/web2");
            Waits.until("the second analysis", () -> {
                try {
                    return events(transcript).stream().filter(e -> e[0].equals("dump-analyzed")).count() == 2;
                } catch (Exception e) {
                    return false;
                }
            });

            List<String[]> seen = events(transcript);
            List<Long> progress = new ArrayList<>();
            String id = null;
            for (String[] e : seen) {
                JsonNode d = JSON.readTree(e[1]);
                if (e[0].equals("uploads") && d.size() == 1 && d.get(0).get("host").asText().equals("web1")) {
                    progress.add(d.get(0).get("bytes").asLong());
                }
                if (e[0].equals("upload-completed") && id == null) {
                    id = d.get("dump").asText();
                    assertEquals("complete", d.get("fileState").asText(), e[1]);
                    assertEquals(Files.size(stream), d.get("bytes").asLong(), "every byte: " + e[1]);
                }
            }
            assertTrue(progress.size() >= 2 && progress.get(progress.size() - 1) > progress.get(0),
                    "progress frames once a second, rising: " + progress);
            JsonNode analyzed = seen.stream().filter(e -> e[0].equals("dump-analyzed")).findFirst()
                    .map(e -> {
                        try {
                            return JSON.readTree(e[1]);
                        } catch (Exception x) {
                            throw new AssertionError(x);
                        }
                    }).orElseThrow();
            assertEquals(id, analyzed.get("id").asText(), "the analyzed dump is the uploaded one");
            assertEquals("complete", analyzed.get("state").asText(), analyzed.toString());
            String signature = analyzed.get("signature").asText();
            assertTrue(analyzed.get("panic").asText().startsWith("Kernel panic"), analyzed.toString());

            JsonNode hosts = JSON.readTree(s.sh("curl -sS" + op + "http://127.0.0.1:$HTTP/api/v1/hosts"));
            assertEquals(2, hosts.size(), hosts.toString());
            JsonNode web1 = hosts.get(0);
            assertEquals("web1", web1.get("host").asText());
            assertEquals(1, web1.get("dumps").asInt());
            assertEquals(1, web1.get("perState").get("complete").asInt());
            assertEquals(id, web1.get("last").get("id").asText());
            assertEquals(expectedFingerprint, web1.get("keys").get(0).get("fingerprint").asText(), "as ssh-keygen -l prints it");
            assertEquals("ssh-ed25519", web1.get("keys").get(0).get("type").asText());
            assertEquals(0, hosts.get(1).get("keys").size(), "web2 has no key");

            JsonNode stats = JSON.readTree(s.sh("curl -sS" + op + "\"http://127.0.0.1:$HTTP/api/v1/stats/crashes?days=7\""));
            assertEquals(168, stats.get("buckets").asInt(), "7 days of hours");
            assertEquals(2, stats.get("total").asInt());
            JsonNode series = stats.get("series").get(0);
            assertEquals(signature, series.get("signature").asText(), "one series: the crash's signature");
            assertEquals(2, series.get("counts").get(167).asInt(), "both in the current hour: " + series.get("counts"));
            assertEquals("400", s.sh("curl -s -o /dev/null -w '%{http_code}'" + op
                    + "\"http://127.0.0.1:$HTTP/api/v1/stats/crashes?bucket=week\""), "an unknown bucket is a 400");

            JsonNode status = JSON.readTree(s.sh("curl -sS" + op + "http://127.0.0.1:$HTTP/api/v1/status"));
            assertEquals(1 << 20, status.get("spoolMinFree").asLong(), status.toString());
            assertTrue(status.get("spoolFree").asLong() > 0 && !status.get("spoolLow").asBoolean(), status.toString());
            assertEquals(2, status.get("dumps").asInt());
            assertEquals(2, status.get("last24h").get("complete").asInt());
            assertEquals(0, status.get("uploads").asInt(), "no upload in flight: "
                    + s.sh("curl -sS" + op + "http://127.0.0.1:$HTTP/api/v1/uploads"));

            JsonNode search = JSON.readTree(s.sh("curl -sS" + op + "\"http://127.0.0.1:$HTTP/api/v1/dumps?q=WEB2\""));
            assertEquals(1, search.get("total").asInt(), "the search finds web2's dump by its id: " + search);

            s.sh("curl -sS -o /dev/null -X DELETE" + op + "http://127.0.0.1:$HTTP/api/v1/dumps/" + id.replace("@", "%40"));
            Waits.until("dump-deleted", () -> has(transcript, "dump-deleted"));
            sse.toHandle().destroy();
            sse.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
