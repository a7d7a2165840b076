package io.vmcored.server.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.protocol.flat.DecoderLimits;
import io.vmcored.protocol.rearrange.ContentKind;
import io.vmcored.protocol.rearrange.SpaceReserver;
import io.vmcored.protocol.rearrange.StreamReceiver;
import io.vmcored.protocol.rearrange.StreamReceiver.Outcome;
import io.vmcored.server.storage.WrappedInput.Compressor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Streams wrapped by the real gzip, bzip2, xz and lz4 programs (kdump-tools' KDUMP_COMPRESSION)
 * are unwrapped while they are fed, split at every byte of the wrapper, and stored as
 * makedumpfile -R would store the stream inside.
 */
class UnwrappingReceiverTest {

    @TempDir
    Path tmp;

    static Iterable<Compressor> compressors() {
        return WrappedInput.KDUMP_TOOLS;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("compressors")
    void splitAtEveryByteOfTheWrapperStoresTheRearrangedDump(Compressor c) throws Exception {
        WrappedInput.Flat flat = WrappedInput.smallFlat(1500);
        byte[] wrapped = WrappedInput.compress(c, flat.stream(), tmp);
        assertEquals(c.kind(), ContentKind.sniff(ByteBuffer.wrap(wrapped)), "the program's magic");
        // every byte of the wrapper's header and trailer (and the first and last blocks' framing), every 13th between
        for (int split = 0; split <= wrapped.length; split += split < 48 || split > wrapped.length - 48 ? 1 : 13) {
            Stored s = store(wrapped, split, wrapped.length);
            assertStoredRearranged(c, flat, wrapped, s, "split at " + split);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("compressors")
    void fedOneByteAtATime(Compressor c) throws Exception {
        WrappedInput.Flat flat = WrappedInput.smallFlat(20000);
        byte[] wrapped = WrappedInput.compress(c, flat.stream(), tmp);
        Path file = tmp.resolve("one-by-one");
        try (FileChannel ch = open(file)) {
            UnwrappingReceiver r = UnwrappingReceiver.fresh(ch, DecoderLimits.DEFAULT, SpaceReserver.NONE);
            for (int i = 0; i < wrapped.length; i++) {
                r.feed(ByteBuffer.wrap(wrapped, i, 1));
            }
            assertStoredRearranged(c, flat, wrapped, new Stored(r.finish(), r.wrapper(), Files.readAllBytes(file)), "1 byte a feed");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("compressors")
    void concatenatedMembersAreOneStream(Compressor c) throws Exception {
        WrappedInput.Flat flat = WrappedInput.smallFlat(5000);
        byte[] stream = flat.stream();
        int half = stream.length / 2 + 7; // inside a record
        ByteArrayOutputStream both = new ByteArrayOutputStream();
        both.writeBytes(WrappedInput.compress(c, Arrays.copyOfRange(stream, 0, half), tmp));
        both.writeBytes(WrappedInput.compress(c, Arrays.copyOfRange(stream, half, stream.length), tmp));
        byte[] wrapped = both.toByteArray();
        assertStoredRearranged(c, flat, wrapped, store(wrapped, wrapped.length / 2, 4096), "cat a." + c + " b." + c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("compressors")
    void aWrapperCutShortEndsIncompleteWithWhatWasDecoded(Compressor c) throws Exception {
        WrappedInput.Flat flat = WrappedInput.smallFlat(60000);
        byte[] wrapped = WrappedInput.compress(c, flat.stream(), tmp);
        byte[] cut = Arrays.copyOf(wrapped, wrapped.length - 20);
        Stored s = store(cut, cut.length / 3, 1000);
        assertFalse(s.outcome.complete(), "a cut wrapper is no complete dump");
        assertTrue(s.outcome.problem().startsWith(c.setting() + " stream is damaged or cut short"), s.outcome.problem());
        if (c.kind() != ContentKind.BZIP2) { // bzip2 decodes a block (up to 900 kB) only whole: this one is lost
            assertEquals(ContentKind.FLATTENED, s.outcome.kind(), "what was decoded before the cut is kept");
            assertTrue(s.bytes.length > 0 && s.bytes.length <= flat.expected().length, "kept " + s.bytes.length);
        }
        assertEquals(cut.length, s.outcome.streamBytes(), "stream bytes count what was sent");
        assertFalse(s.outcome.problem().contains(tmp.toString()), "no server path: " + s.outcome.problem());
    }

    @Test
    void damagedCompressedDataFailsTheUploadAsInvalidInput() throws Exception {
        WrappedInput.Flat flat = WrappedInput.smallFlat(60000);
        byte[] wrapped = WrappedInput.compress(WrappedInput.KDUMP_TOOLS.get(0), flat.stream(), tmp);
        for (int i = 2000; i < 2100; i++) {
            wrapped[i] ^= 0x55;
        }
        Path file = tmp.resolve("damaged");
        try (FileChannel ch = open(file)) {
            UnwrappingReceiver r = UnwrappingReceiver.fresh(ch, DecoderLimits.DEFAULT, SpaceReserver.NONE);
            String problem = null;
            try {
                for (int at = 0; at < wrapped.length; at += 512) {
                    r.feed(ByteBuffer.wrap(wrapped, at, Math.min(512, wrapped.length - at)));
                }
            } catch (UnwrapException e) {
                problem = e.getMessage(); // as the transports see it: invalid input, like a bad record
            }
            Outcome o = problem == null ? r.finish() : r.abort(problem);
            assertFalse(o.complete(), "damaged");
            assertTrue(o.problem().startsWith("gzip stream is damaged or cut short after "), o.problem());
        }
    }

    @Test
    void aDecompressionBombIsRefusedAtTheLimit() throws Exception {
        byte[] zeros = new byte[32 << 20];
        byte[] wrapped = WrappedInput.compress(WrappedInput.KDUMP_TOOLS.get(1), zeros, tmp); // bzip2: ~50 bytes
        Path file = tmp.resolve("bomb");
        try (FileChannel ch = open(file)) {
            UnwrappingReceiver r = UnwrappingReceiver.withLimits(
                    new StreamReceiver(ch, DecoderLimits.DEFAULT, SpaceReserver.NONE), 100, 1 << 20);
            r.feed(ByteBuffer.wrap(wrapped));
            Outcome o = r.finish();
            assertFalse(o.complete(), "refused");
            assertTrue(o.problem().contains("bzip2 stream expands beyond 100 times its size"), o.problem());
            assertTrue(Files.size(file) <= (2 << 20) + 100L * wrapped.length,
                    "stopped at the limit plus one output chunk: " + Files.size(file));
        }
    }

    @Test
    void anUnwrappedStreamPassesThroughAtEverySplitOfItsHead() throws Exception {
        WrappedInput.Flat flat = WrappedInput.smallFlat(100);
        byte[] stream = flat.stream();
        for (int split = 0; split <= ContentKind.SNIFF_BYTES + 1; split++) {
            Stored s = store(stream, split, stream.length);
            assertTrue(s.outcome.complete(), s.outcome.problem());
            assertNull(s.wrapper, "not wrapped");
            assertEquals(stream.length, s.outcome.streamBytes());
            assertArrayEquals(flat.expected(), s.bytes, "split " + split);
        }
    }

    private record Stored(Outcome outcome, ContentKind wrapper, byte[] bytes) {
    }

    /** Feeds {@code data[0, first)} then the rest in {@code chunk}-byte pieces, and finishes. */
    private Stored store(byte[] data, int first, int chunk) throws IOException {
        Path file = tmp.resolve("stored");
        try (FileChannel ch = open(file)) {
            UnwrappingReceiver r = UnwrappingReceiver.fresh(ch, DecoderLimits.DEFAULT, SpaceReserver.NONE);
            r.feed(ByteBuffer.wrap(data, 0, first));
            for (int at = first; at < data.length; at += chunk) {
                r.feed(ByteBuffer.wrap(data, at, Math.min(chunk, data.length - at)));
            }
            Outcome o = r.finish();
            return new Stored(o, r.wrapper(), Files.readAllBytes(file));
        }
    }

    private static void assertStoredRearranged(Compressor c, WrappedInput.Flat flat, byte[] wrapped, Stored s, String how) {
        assertTrue(s.outcome.complete(), how + ": " + s.outcome.problem());
        assertEquals(ContentKind.FLATTENED, s.outcome.kind(), how);
        assertEquals(c.kind(), s.wrapper, how);
        assertEquals(wrapped.length, s.outcome.streamBytes(), how + ": stream bytes are the bytes sent");
        assertArrayEquals(flat.expected(), s.bytes, how + ": stored = makedumpfile -R of the unwrapped stream");
    }

    private static FileChannel open(Path file) throws IOException {
        return FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ, StandardOpenOption.WRITE));
    }
}
