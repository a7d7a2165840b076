package io.vmcored.server.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.vmcored.protocol.testsupport.Fixtures;
import io.vmcored.server.analysis.Waits;
import io.vmcored.server.catalog.DumpRecord;
import io.vmcored.server.config.ServerConfig;
import io.vmcored.server.daemon.TestServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The webhook against a real HTTP receiver on loopback: JSON body, headers, a retry after a 503. */
class WebhookTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    record Received(String method, String type, String event, String auth, byte[] body) {
    }

    @Test
    void completedDumpIsPostedAsJsonAndRetriedAfterA503() throws Exception {
        BlockingQueue<Received> got = new LinkedBlockingQueue<>();
        AtomicInteger calls = new AtomicInteger();
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        receiver.createContext("/hook", x -> {
            byte[] body = x.getRequestBody().readAllBytes();
            got.add(new Received(x.getRequestMethod(), x.getRequestHeaders().getFirst("Content-Type"),
                    x.getRequestHeaders().getFirst("X-Vmcored-Event"), x.getRequestHeaders().getFirst("Authorization"), body));
            int status = calls.incrementAndGet() == 1 ? 503 : 200; // the first delivery fails: the hook retries
            x.sendResponseHeaders(status, -1);
            x.close();
        });
        receiver.start();
        try {
            ServerConfig c = TestServer.config(tmp);
            c.set("events.webhook", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook")
                    .set("events.webhook-timeout", "5s").set("events.webhook-retries", "2")
                    .set("events.webhook-token", "hook-secret-1").set("events.on", "dump-completed");
            try (TestServer s = TestServer.start(c)) {
                s.sh("curl -sS -o /dev/null -T " + Fixtures.stream("kdump-lzo-d31") + " http://127.0.0.1:$HTTP/api/v1/dumps/web1");
                DumpRecord r = Waits.analyzed(s, "web1");
                Received first = got.poll(120, TimeUnit.SECONDS);
                Received second = got.poll(120, TimeUnit.SECONDS);
                assertNotNull(second, "a second delivery after the 503");
                assertEquals(new String(first.body()), new String(second.body()), "the retry sends the same body");
                assertEquals("POST", second.method(), "method");
                assertEquals("application/json", second.type(), "content type");
                assertEquals("dump-completed", second.event(), "X-Vmcored-Event");
                assertEquals("Bearer hook-secret-1", second.auth(), "Authorization");
                JsonNode j = JSON.readTree(second.body());
                Map<String, Object> an = r.snapshot().analysis;
                assertEquals("dump-completed", j.get("event").asText(), "event: " + j);
                assertEquals(r.id(), j.get("dumpId").asText(), "dumpId");
                assertEquals("web1", j.get("host").asText(), "host");
                assertEquals("complete", j.get("state").asText(), "state");
                assertEquals(r.directory().toString(), j.get("dumpDir").asText(), "dumpDir");
                assertEquals(an.get("signature"), j.get("signature").asText(), "signature");
                assertEquals("Kernel panic - not syncing: sysrq triggered crash", j.get("panicLine").asText(), "panicLine");
                assertEquals("sysrq_handle_crash", j.get("faultingFunction").asText(), "faultingFunction");
                assertEquals(an.get("topFrames").toString(), JSON.convertValue(j.get("topFrames"), List.class).toString(),
                        "topFrames");
                assertEquals(an.get("kernelRelease"), j.get("kernelRelease").asText(), "kernelRelease");
                assertEquals(1, j.get("groupCount").asInt(), "groupCount");
                Waits.until("the webhook run counted", () -> ExecHookTest.metrics(s)
                        .get("vmcored_events_total{event=\"dump-completed\",hook=\"webhook\",outcome=\"ok\"}") == 1.0);
            }
            assertEquals(2, calls.get(), "deliveries: one 503, one 200, no more");
            assertTrue(got.isEmpty(), "no other event (events.on=dump-completed)");
        } finally {
            receiver.stop(0);
        }
    }
}
