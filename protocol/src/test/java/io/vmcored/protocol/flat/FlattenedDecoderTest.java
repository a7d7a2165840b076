package io.vmcored.protocol.flat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FlattenedDecoderTest {

    /** Interleaved, non-monotonic, overlapping records like makedumpfile's (sub-header written twice). */
    private static StreamBuilder typical() {
        return new StreamBuilder()
                .record(0, StreamBuilder.pattern(4096, 1))
                .record(4096, StreamBuilder.pattern(104, 2))
                .record(3 * 4096, StreamBuilder.pattern(20000, 3))
                .record(8192, StreamBuilder.pattern(4096, 4))
                .record(4096, StreamBuilder.pattern(300, 5))
                .record(70000, StreamBuilder.pattern(1, 6))
                .end();
    }

    @Test
    void everySplitSizeGivesTheSameOutput() throws IOException {
        StreamBuilder b = typical();
        byte[] stream = b.stream();
        for (int split = 1; split <= 80; split++) {
            assertArrayEquals(b.expected(), decodeSplit(stream, split), "split size " + split);
        }
        for (int split : new int[] {4095, 4096, 4097, 4111, 4112, 4113, 65536, stream.length}) {
            assertArrayEquals(b.expected(), decodeSplit(stream, split), "split size " + split);
        }
    }

    @Test
    void randomChunkingGivesTheSameOutput() throws IOException {
        StreamBuilder b = typical();
        byte[] stream = b.stream();
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            MemorySink sink = new MemorySink();
            FlattenedDecoder d = new FlattenedDecoder(sink, DecoderLimits.DEFAULT);
            int pos = 0;
            while (pos < stream.length) {
                int n = Math.min(stream.length - pos, 1 + random.nextInt(round % 2 == 0 ? 17 : 9000));
                d.feed(ByteBuffer.wrap(stream, pos, n));
                pos += n;
            }
            d.finish();
            assertArrayEquals(b.expected(), sink.bytes(), "round " + round);
            assertEquals(6, d.records(), "records decoded");
            assertEquals(70001, d.extent(), "extent");
        }
    }

    @Test
    void payloadIsPassedThroughNotBuffered() throws IOException {
        byte[] big = StreamBuilder.pattern(1 << 20, 9);
        byte[] stream = new StreamBuilder().record(0, big).end().stream();
        MemorySink sink = new MemorySink();
        FlattenedDecoder d = new FlattenedDecoder(sink, DecoderLimits.DEFAULT);
        for (int pos = 0; pos < stream.length; pos += 1000) {
            d.feed(ByteBuffer.wrap(stream, pos, Math.min(1000, stream.length - pos)));
        }
        d.finish();
        assertTrue(sink.calls() > 1000, "a 1 MiB record fed in 1000-byte chunks reaches the sink in pieces, calls="
                + sink.calls());
        assertArrayEquals(big, sink.bytes());
    }

    @Test
    void committedPositionStopsAtRecordBoundaries() throws IOException {
        byte[] stream = new StreamBuilder().record(0, new byte[100]).record(100, new byte[50]).end().stream();
        FlattenedDecoder d = new FlattenedDecoder(new MemorySink(), DecoderLimits.DEFAULT);
        d.feed(ByteBuffer.wrap(stream, 0, 4096 + 16 + 60));
        assertEquals(4096, d.committedPosition(), "inside record 1");
        d.feed(ByteBuffer.wrap(stream, 4096 + 76, 40 + 16 + 10));
        assertEquals(4096 + 116, d.committedPosition(), "inside record 2");
    }

    @Test
    void resumingAtTheCommittedPositionGivesTheSameOutput() throws IOException {
        StreamBuilder b = typical();
        byte[] stream = b.stream();
        MemorySink sink = new MemorySink();
        FlattenedDecoder first = new FlattenedDecoder(sink, DecoderLimits.DEFAULT);
        first.feed(ByteBuffer.wrap(stream, 0, 4096 + 16 + 4096 + 16 + 50));
        long resumeAt = first.committedPosition();
        FlattenedDecoder second = FlattenedDecoder.resumingAt(resumeAt, sink, DecoderLimits.DEFAULT);
        second.feed(ByteBuffer.wrap(stream, (int) resumeAt, stream.length - (int) resumeAt));
        second.finish();
        assertArrayEquals(b.expected(), sink.bytes());
    }

    @Test
    void wrongSignatureIsRejected() {
        byte[] stream = new StreamBuilder().end().stream();
        stream[0] = 'M';
        var e = assertThrows(FlattenedFormatException.class, () -> decode(stream));
        assertTrue(e.getMessage().contains("signature"), e.getMessage());
    }

    @Test
    void wrongTypeIsRejected() {
        var e = assertThrows(FlattenedFormatException.class, () -> decode(new StreamBuilder(2).end().stream()));
        assertTrue(e.getMessage().contains("type 2"), e.getMessage());
    }

    @Test
    void negativeOffsetIsRejected() {
        byte[] s = new StreamBuilder().rawHeader(-5, 10).bytes(new byte[10]).end().stream();
        var e = assertThrows(FlattenedFormatException.class, () -> decode(s));
        assertTrue(e.getMessage().contains("negative offset -5"), e.getMessage());
    }

    @Test
    void zeroAndNegativeSizesAreRejected() {
        for (long size : new long[] {0, -2, Long.MIN_VALUE}) {
            byte[] s = new StreamBuilder().rawHeader(0, size).end().stream();
            var e = assertThrows(FlattenedFormatException.class, () -> decode(s), "size " + size);
            assertTrue(e.getMessage().contains("invalid size " + size), e.getMessage());
        }
    }

    @Test
    void recordsBeyondTheMaximumDumpSizeAreRejectedBeforeWriting() {
        byte[] s = new StreamBuilder().record(0, new byte[10]).rawHeader(1000, 100).bytes(new byte[100]).end().stream();
        MemorySink sink = new MemorySink();
        FlattenedDecoder d = new FlattenedDecoder(sink, new DecoderLimits(1050));
        var e = assertThrows(FlattenedFormatException.class, () -> d.feed(ByteBuffer.wrap(s)));
        assertTrue(e.getMessage().contains("maximum dump size 1050"), e.getMessage());
        assertEquals(10, sink.bytes().length, "only the first record was written");
        byte[] huge = new StreamBuilder().rawHeader(Long.MAX_VALUE - 1, Long.MAX_VALUE).end().stream();
        assertThrows(FlattenedFormatException.class, () -> decode(huge), "overflowing offset + size");
    }

    @Test
    void garbageAfterTheEndMarkerIsReported() throws IOException {
        byte[] s = new StreamBuilder().record(0, new byte[10]).end().bytes(new byte[] {1, 2, 3}).stream();
        MemorySink sink = new MemorySink();
        FlattenedDecoder d = new FlattenedDecoder(sink, DecoderLimits.DEFAULT);
        var e = assertThrows(TrailingDataException.class, () -> d.feed(ByteBuffer.wrap(s)));
        assertTrue(e.getMessage().contains("3 more bytes"), e.getMessage());
        assertEquals(10, sink.bytes().length);
    }

    @Test
    void eofBeforeTheEndMarkerIsReportedAtOnceWithWhere() throws IOException {
        byte[] full = new StreamBuilder().record(0, new byte[100]).record(100, new byte[100]).end().stream();
        int[] cuts = {0, 100, 4096, 4096 + 8, 4096 + 16 + 40, 4096 + 116, 4096 + 116 + 16 + 99};
        String[] where = {"start header", "start header", "after record 0", "inside a record header",
            "inside record 1 (40 of 100", "after record 1", "inside record 2 (99 of 100"};
        for (int i = 0; i < cuts.length; i++) {
            FlattenedDecoder d = new FlattenedDecoder(new MemorySink(), DecoderLimits.DEFAULT);
            d.feed(ByteBuffer.wrap(Arrays.copyOf(full, cuts[i])));
            var e = assertThrows(TruncatedStreamException.class, d::finish, "cut at " + cuts[i]);
            assertTrue(e.getMessage().contains(where[i]), "cut at " + cuts[i] + ": " + e.getMessage());
        }
    }

    @Test
    void aFailedDecoderStaysFailed() {
        byte[] s = new StreamBuilder().rawHeader(0, 0).stream();
        FlattenedDecoder d = new FlattenedDecoder(new MemorySink(), DecoderLimits.DEFAULT);
        assertThrows(FlattenedFormatException.class, () -> d.feed(ByteBuffer.wrap(s)));
        assertTrue(d.isFailed());
        assertThrows(FlattenedFormatException.class, () -> d.feed(ByteBuffer.wrap(new byte[16])));
    }

    private static byte[] decodeSplit(byte[] stream, int split) throws IOException {
        MemorySink sink = new MemorySink();
        FlattenedDecoder d = new FlattenedDecoder(sink, DecoderLimits.DEFAULT);
        for (int pos = 0; pos < stream.length; pos += split) {
            d.feed(ByteBuffer.wrap(stream, pos, Math.min(split, stream.length - pos)));
        }
        d.finish();
        assertTrue(d.isEnded());
        return sink.bytes();
    }

    private static void decode(byte[] stream) throws IOException {
        FlattenedDecoder d = new FlattenedDecoder(new MemorySink(), DecoderLimits.DEFAULT);
        d.feed(ByteBuffer.wrap(stream));
        d.finish();
    }
}
