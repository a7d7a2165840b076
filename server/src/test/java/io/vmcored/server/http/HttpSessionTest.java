package io.vmcored.server.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmcored.server.http.console.Console;
import io.vmcored.server.http.console.ConsoleAssets;
import io.vmcored.server.http.console.ConsoleSessions;
import io.vmcored.server.http.console.EventHub;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.vmcored.protocol.testsupport.Fixtures;
import io.vmcored.server.analysis.CrashAnalysis;
import io.vmcored.server.catalog.DumpRecord;
import io.vmcored.server.ingest.TestIngest;
import io.vmcored.server.storage.WrappedInput;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP session alone, on an {@link EmbeddedChannel} behind Netty's codec: requests fed
 * split at every position, the response read back. The real ingest service and catalog sit behind it.
 */
class HttpSessionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private TestIngest ingest;
    private CrashAnalysis crash;

    @BeforeEach
    void start() throws Exception {
        ingest = new TestIngest(tmp);
        crash = CrashAnalysis.start(ingest.config.crash, ingest.catalog, ingest.registry);
    }

    @AfterEach
    void stop() throws Exception {
        crash.close();
        ingest.close();
    }

    @Test
    void headOfANewUploadAnswersAtEverySplit() throws Exception {
        byte[] req = "HEAD /api/v1/dumps/web1?dump=d1 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        for (int split = 1; split < req.length; split++) {
            EmbeddedChannel ch = channel();
            ch.writeInbound(Unpooled.wrappedBuffer(req, 0, split));
            ch.writeInbound(Unpooled.wrappedBuffer(req, split, req.length - split));
            String resp = response(ch, true);
            assertTrue(resp.startsWith("HTTP/1.1 200 OK\r\n"), "split at " + split + ": " + resp);
            assertTrue(resp.contains("X-Vmcored-Offset: 0\r\n") && resp.contains("X-Vmcored-File-State: new\r\n"), resp);
        }
    }

    @Test
    void aPutStoresTheBodyAndAnswersCreated() throws Exception {
        byte[] body = "plain bytes of a kernel log\n".repeat(50).getBytes(StandardCharsets.US_ASCII);
        byte[] head = ("PUT /api/v1/dumps/web1?dump=d2&file=dmesg.txt HTTP/1.1\r\nHost: x\r\nContent-Length: "
                + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(head));
        for (int at = 0; at < body.length; at += 333) {
            ch.writeInbound(Unpooled.wrappedBuffer(body, at, Math.min(333, body.length - at)));
        }
        String resp = response(ch);
        assertTrue(resp.startsWith("HTTP/1.1 201 Created\r\n"), resp);
        JsonNode j = JSON.readTree(resp.substring(resp.indexOf("\r\n\r\n") + 4));
        assertEquals("complete", j.get("fileState").asText(), resp);
        assertEquals(body.length, j.get("committed").asLong(), resp);
        DumpRecord r = ingest.catalog.byClientId("web1", "d2").orElseThrow();
        assertEquals(new String(body, StandardCharsets.US_ASCII), Files.readString(r.fileFor("dmesg.txt")));
    }

    @Test
    void aLz4WrappedPutOfTheMainFileIsUnwrappedAndCompletesTheDump() throws Exception {
        WrappedInput.Flat flat = WrappedInput.smallFlat(3000);
        byte[] body = WrappedInput.compress(WrappedInput.KDUMP_TOOLS.get(2), flat.stream(), tmp);
        byte[] head = ("PUT /api/v1/dumps/web1?dump=d5 HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(head));
        for (int at = 0; at < body.length; at += 5) { // every lz4 frame field split somewhere
            ch.writeInbound(Unpooled.wrappedBuffer(body, at, Math.min(5, body.length - at)));
        }
        String resp = response(ch);
        assertTrue(resp.startsWith("HTTP/1.1 201 Created\r\n"), resp);
        JsonNode j = JSON.readTree(resp.substring(resp.indexOf("\r\n\r\n") + 4));
        assertEquals("complete", j.get("state").asText(), resp);
        assertEquals(body.length, j.get("committed").asLong(), "committed counts the bytes sent: " + resp);
        DumpRecord r = ingest.catalog.byClientId("web1", "d5").orElseThrow();
        assertArrayEquals(flat.expected(), Files.readAllBytes(r.fileFor("vmcore")));
        assertEquals("LZ4", r.snapshot().files.get("vmcore").unwrappedFrom);
    }

    @Test
    void aPutCutBeforeTheEndMarkerIsUnprocessableAndSaysWhereToResume() throws Exception {
        byte[] body = new byte[200_000];
        try (InputStream in = Files.newInputStream(Fixtures.stream("kdump-zlib-d31"))) {
            assertEquals(body.length, in.readNBytes(body, 0, body.length), "fixture head");
        }
        byte[] head = ("PUT /api/v1/dumps/web1?dump=d4 HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(head));
        for (int at = 0; at < body.length; at += 8192) {
            ch.writeInbound(Unpooled.wrappedBuffer(body, at, Math.min(8192, body.length - at)));
        }
        String resp = response(ch);
        assertTrue(resp.startsWith("HTTP/1.1 422 Unprocessable Entity\r\n"), "a cut stream is no success: " + resp);
        JsonNode j = JSON.readTree(resp.substring(resp.indexOf("\r\n\r\n") + 4));
        assertEquals("incomplete", j.get("state").asText(), resp);
        assertEquals("incomplete", j.get("fileState").asText(), resp);
        assertTrue(j.get("committed").asLong() > 0 && j.get("offset").asLong() <= j.get("committed").asLong(),
                "where to resume: " + resp);
    }

    @Test
    void aResumeAtAWrongOffsetIsAConflictThatNamesTheRightOne() throws Exception {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.copiedBuffer("PUT /api/v1/dumps/web1?dump=d3&offset=4096 HTTP/1.1\r\nHost: x\r\n"
                + "Content-Length: 5\r\n\r\nhello", StandardCharsets.US_ASCII));
        String resp = response(ch);
        assertTrue(resp.startsWith("HTTP/1.1 409 Conflict\r\n"), resp);
        JsonNode j = JSON.readTree(resp.substring(resp.indexOf("\r\n\r\n") + 4));
        assertEquals("bad_offset", j.get("error").asText(), resp);
        assertEquals(0, j.get("offset").asLong(), resp);
        assertEquals(1.0, ingest.refused("bad_request"), "counted once");
    }

    @Test
    void endOfAnUnknownDumpIsNotFound() throws Exception {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.copiedBuffer("POST /api/v1/dumps/web1/end?dump=nope HTTP/1.1\r\nHost: x\r\n"
                + "Content-Length: 0\r\n\r\n", StandardCharsets.US_ASCII));
        String resp = response(ch);
        assertTrue(resp.startsWith("HTTP/1.1 404 Not Found\r\n"), resp);
        assertEquals("unknown_dump", JSON.readTree(resp.substring(resp.indexOf("\r\n\r\n") + 4)).get("error").asText(), resp);
    }

    @Test
    void anUnknownPathIsNotFoundAndABadHostIsABadRequest() throws Exception {
        EmbeddedChannel a = channel();
        a.writeInbound(Unpooled.copiedBuffer("GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n", StandardCharsets.US_ASCII));
        assertTrue(response(a).startsWith("HTTP/1.1 404 Not Found\r\n"));
        EmbeddedChannel b = channel();
        b.writeInbound(Unpooled.copiedBuffer("HEAD /api/v1/dumps/.hidden?dump=x HTTP/1.1\r\nHost: x\r\n\r\n",
                StandardCharsets.US_ASCII));
        String resp = response(b, true);
        assertTrue(resp.startsWith("HTTP/1.1 400 Bad Request\r\n"), resp);
    }

    @Test
    void aHeadSendsTheHeadersOfTheGetAndNotOneByteOfBody() throws Exception {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.copiedBuffer("HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n", StandardCharsets.US_ASCII));
        String resp = response(ch, true);
        for (int i = 0; i < 20; i++) {
            ch.runPendingTasks();
            Object o;
            while ((o = ch.readOutbound()) != null) {
                if (o instanceof ByteBuf b) {
                    resp += b.toString(StandardCharsets.UTF_8);
                    b.release();
                }
            }
        }
        assertTrue(resp.startsWith("HTTP/1.1 200 OK\r\n") && resp.contains("content-length: 3\r\n"), resp);
        assertTrue(resp.endsWith("\r\n\r\n"), "nothing after the headers: " + resp);
    }

    @Test
    void aWrongMethodIs405WithAllowAndItsBodyDiscarded() throws Exception {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.copiedBuffer("POST /api/v1/dumps HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
                StandardCharsets.US_ASCII));
        String resp = response(ch);
        assertTrue(resp.startsWith("HTTP/1.1 405 Method Not Allowed\r\n"), resp);
        assertTrue(resp.contains("allow: GET, HEAD\r\n"), resp);
        assertEquals("[\"GET\",\"HEAD\"]", JSON.readTree(resp.substring(resp.indexOf("\r\n\r\n") + 4)).get("allow").toString(),
                resp);
        assertTrue(ch.inboundMessages().isEmpty(), "the body was released, not passed on");
    }

    private EmbeddedChannel channel() {
        HttpApi api = new HttpApi(ingest.service, ingest.catalog, ingest.admission, crash, ingest.registry,
                ingest.files, Duration.ofSeconds(20), ingest.refusals,
                new Console(new ConsoleSessions(), new EventHub(ingest.catalog.uploadsInFlight(), 4), new ConsoleAssets(),
                        List::of, () -> Long.MAX_VALUE, 0));
        return new EmbeddedChannel(new HttpServerCodec(4096, 16384, 1 << 16), new HttpSession(api));
    }

    /** Runs the channel's tasks until a whole response was written (answers come from file threads). */
    private static String response(EmbeddedChannel ch) throws InterruptedException {
        return response(ch, false);
    }

    /** {@code head}: the response to a HEAD, whose Content-Length announces a body that is not sent. */
    private static String response(EmbeddedChannel ch, boolean head) throws InterruptedException {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 1000 && !whole(out, head); i++) {
            ch.runPendingTasks();
            Object o;
            while ((o = ch.readOutbound()) != null) {
                if (o instanceof ByteBuf b) {
                    out.append(b.toString(StandardCharsets.UTF_8));
                    b.release();
                }
            }
            if (!whole(out, head)) {
                Thread.sleep(5);
            }
        }
        assertTrue(whole(out, head), "no whole response within 5 s; got \"" + out + "\"");
        return out.toString();
    }

    private static boolean whole(StringBuilder s, boolean head) {
        int end = s.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        if (head) {
            return true;
        }
        String headers = s.substring(0, end).toLowerCase(Locale.ROOT);
        int at = headers.indexOf("content-length: ");
        return at < 0 || s.length() - end - 4 >= Integer.parseInt(headers.substring(at + 16).split("\r\n")[0].trim());
    }
}
