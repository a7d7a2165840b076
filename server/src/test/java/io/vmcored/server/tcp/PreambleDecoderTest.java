package io.vmcored.server.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.vmcored.server.catalog.DumpRecord;
import io.vmcored.server.catalog.DumpState;
import io.vmcored.server.ingest.TestIngest;
import java.nio.ByteBuffer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The preamble's bare-stream decision on an {@link EmbeddedChannel}: the same bytes fed in
 * chunks of every size from 1 up, with EOF after them. A dump's head goes on to the session
 * byte for byte; anything else is refused, counted once, and the channel closed unanswered.
 */
class PreambleDecoderTest {

    @TempDir
    Path tmp;

    private TestIngest ingest;

    @BeforeEach
    void start() throws Exception {
        ingest = new TestIngest(tmp);
    }

    @AfterEach
    void stop() throws Exception {
        ingest.close();
    }

    @Test
    void aGzipStreamIsTakenAndStoredUnwrappedAtEveryChunkSize() throws Exception {
        byte[] content = new byte[300];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 7);
        }
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(content);
        }
        byte[] body = gz.toByteArray();
        Set<String> seen = new HashSet<>();
        for (int chunk = 1; chunk <= body.length; chunk++) {
            EmbeddedChannel ch = feed(body, chunk);
            assertTrue(ch.isOpen(), "a dump's head is taken, chunk " + chunk);
            DumpRecord r = newDump(ch, seen);
            assertArrayEquals(content, Files.readAllBytes(r.fileFor("vmcore")), "stored unwrapped, chunk " + chunk);
        }
        assertEquals(0.0, ingest.refused("not_a_dump"), "nothing refused");
    }

    @Test
    void anHttpRequestIsRefusedAtEveryChunkSize() throws Exception {
        refusedAtEveryChunkSize("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void fiveBytesThenEofAreRefusedAtEveryChunkSize() throws Exception {
        refusedAtEveryChunkSize(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0}); // a gzip magic, but no dump is 5 bytes
    }

    @Test
    void aTlsClientHelloIsRefused() throws Exception {
        refusedAtEveryChunkSize(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03,
            0x11, 0x22, 0x33});
    }

    @Test
    void aSenderThatFallsSilentBeforeItsHeadIsJudgedAtTheIdleTimeout() throws Exception {
        EmbeddedChannel ch = new EmbeddedChannel(new PreambleDecoder(ingest.service, Duration.ofSeconds(20)));
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {'K', 'D', 'U', 'M', 'P'}));
        assertTrue(ch.isOpen(), "waits for 12 bytes");
        ch.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
        ch.runPendingTasks();
        assertFalse(ch.isOpen(), "closed at the idle timeout");
        assertEquals(1.0, ingest.refused("not_a_dump"), "5 bytes are no dump");
        assertEquals(0, ingest.catalog.size(), "no dump directory");
    }

    @Test
    void theOperatorIsToldWhatTheBytesLookedLike() {
        assertEquals("looks like an HTTP request (12 bytes: 474554202f20485454502f31)",
                BareHead.describe(ByteBuffer.wrap("GET / HTTP/1".getBytes(StandardCharsets.US_ASCII))));
        assertTrue(BareHead.describe(ByteBuffer.wrap(new byte[] {0x16, 0x03, 0x01})).startsWith(
                "looks like a TLS handshake (3 bytes: 160301)"), "TLS");
        assertEquals("unknown bytes (2 bytes: 00ff)", BareHead.describe(ByteBuffer.wrap(new byte[] {0, -1})));
    }

    private void refusedAtEveryChunkSize(byte[] bytes) throws Exception {
        for (int chunk = 1; chunk <= bytes.length; chunk++) {
            EmbeddedChannel ch = feed(bytes, chunk);
            ch.runPendingTasks();
            assertFalse(ch.isOpen(), "closed, chunk " + chunk);
            assertNull(ch.readOutbound(), "a bare sender reads nothing, chunk " + chunk);
            assertEquals(chunk, ingest.refused("not_a_dump"), "counted once per connection, chunk " + chunk);
        }
        Thread.sleep(100);
        assertEquals(0, ingest.catalog.size(), "no dump directory for what is no dump");
    }

    private EmbeddedChannel feed(byte[] bytes, int chunk) {
        EmbeddedChannel ch = new EmbeddedChannel(new PreambleDecoder(ingest.service, Duration.ofSeconds(20)));
        for (int at = 0; at < bytes.length && ch.isOpen(); at += chunk) {
            ch.writeInbound(Unpooled.wrappedBuffer(bytes, at, Math.min(chunk, bytes.length - at)));
        }
        if (ch.isOpen()) {
            ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        }
        return ch;
    }

    /** Runs the channel's tasks until one dump not in {@code seen} has finished (the pump writes on a file thread). */
    private DumpRecord newDump(EmbeddedChannel ch, Set<String> seen) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            ch.runPendingTasks();
            List<DumpRecord> fresh = ingest.catalog.list(r -> !seen.contains(r.id()));
            if (fresh.size() == 1 && fresh.get(0).state() != DumpState.RECEIVING) {
                seen.add(fresh.get(0).id());
                return fresh.get(0);
            }
            Thread.sleep(10);
        }
        throw new AssertionError("expected one new finished dump, have " + ingest.catalog.list(r -> true));
    }
}
