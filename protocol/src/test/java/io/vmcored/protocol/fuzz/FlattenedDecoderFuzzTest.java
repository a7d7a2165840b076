package io.vmcored.protocol.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vmcored.protocol.flat.DecoderLimits;
import io.vmcored.protocol.flat.FlattenedDecoder;
import io.vmcored.protocol.flat.FlattenedFormatException;
import io.vmcored.protocol.flat.RecordSink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Random;

/**
 * Arbitrary bytes, split arbitrarily, through {@link FlattenedDecoder}: only
 * {@link FlattenedFormatException} (and its subclasses) may escape, every write lies within
 * the limits, a failure is terminal, and the outcome does not depend on how the stream was split.
 */
class FlattenedDecoderFuzzTest {

    /** Small enough that real record offsets (hundreds of MiB) trip it too. */
    private static final long SMALL_LIMIT = 1 << 20;

    @FuzzTest(maxDuration = "10m")
    void decode(FuzzedDataProvider data) throws IOException {
        // the split and the limit come from the end of the input, so a real stream as seed stays intact
        long splitSeed = data.consumeLong();
        DecoderLimits limits = data.consumeBoolean() ? DecoderLimits.DEFAULT : new DecoderLimits(SMALL_LIMIT);
        byte[] stream = data.consumeRemainingAsBytes();

        Outcome split = run(stream, limits, new Random(splitSeed));
        Outcome whole = run(stream, limits, null);
        assertEquals(whole.toString(), split.toString(), "same stream, different split");
    }

    private static Outcome run(byte[] stream, DecoderLimits limits, Random split) throws IOException {
        CheckingSink sink = new CheckingSink(limits);
        FlattenedDecoder decoder = new FlattenedDecoder(sink, limits);
        Class<?> failure = null;
        int at = 0;
        try {
            while (at < stream.length) {
                int n = split == null ? stream.length - at : 1 + split.nextInt(Math.min(stream.length - at, 5000));
                // a chunk inside a larger buffer, as the network hands them over
                ByteBuffer chunk = ByteBuffer.wrap(stream, at, n).slice();
                decoder.feed(chunk);
                assertTrue(!chunk.hasRemaining(), "feed returned without consuming its chunk");
                at += n;
                assertEquals(at, decoder.position(), "position after feeding " + at + " bytes");
            }
            decoder.finish();
        } catch (FlattenedFormatException e) {
            failure = e.getClass();
            assertTrue(decoder.isFailed(), "exception without the failed state");
            // terminal: nothing is decoded after a failure
            assertThrows(FlattenedFormatException.class, () -> decoder.feed(ByteBuffer.wrap(new byte[1])));
        }
        assertTrue(sink.bytes <= stream.length, "more payload written than the stream holds");
        assertTrue(decoder.extent() <= limits.maxDumpSize(), "extent past the limit");
        assertTrue(decoder.committedPosition() <= decoder.position(), "committed past position");
        return new Outcome(failure, decoder.records(), decoder.extent(), sink.bytes, decoder.isEnded());
    }

    private record Outcome(Class<?> failure, long records, long extent, long payload, boolean ended) {
    }

    /** Checks each write against the limits and consumes it, keeping nothing. */
    private static final class CheckingSink implements RecordSink {

        private final DecoderLimits limits;
        long bytes;

        CheckingSink(DecoderLimits limits) {
            this.limits = limits;
        }

        @Override
        public void write(long offset, ByteBuffer payload) {
            assertTrue(offset >= 0 && payload.remaining() > 0, "write of " + payload.remaining() + " at " + offset);
            assertTrue(offset + payload.remaining() <= limits.maxDumpSize(), "write past the limit at " + offset);
            bytes += payload.remaining();
            payload.position(payload.limit());
        }
    }
}
