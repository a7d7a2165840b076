package io.vmcored.protocol.rearrange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.protocol.flat.DecoderLimits;
import io.vmcored.protocol.flat.FlattenedDecoder;
import io.vmcored.protocol.testsupport.Fixtures;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Real makedumpfile streams from a crashed kernel, rearranged while fed in random chunks, against makedumpfile -R. */
class RealStreamRearrangeTest {

    @TempDir
    Path tmp;

    static Stream<String> names() {
        return Fixtures.namesForSource();
    }

    @ParameterizedTest
    @MethodSource("names")
    void randomlyChunkedStreamRearrangesByteIdenticalToMakedumpfile(String name) throws IOException {
        Path out = tmp.resolve(name + ".dump");
        StreamReceiver.Outcome outcome = receive(Fixtures.stream(name), out, Long.MAX_VALUE, new Random(name.hashCode()));
        assertEquals(ContentKind.FLATTENED, outcome.kind());
        assertTrue(outcome.complete(), "complete: " + outcome);
        assertEquals(-1, Files.mismatch(Fixtures.oracle(name), out),
                name + ": first differing byte against makedumpfile -R (-1 = identical)");
        assertEquals(Files.size(Fixtures.oracle(name)), outcome.fileSize(), "file size in the outcome");
    }

    @ParameterizedTest
    @MethodSource("names")
    void coalescedWritesGiveTheSameDump(String name) throws IOException {
        Path out = tmp.resolve(name + ".dump");
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             InputStream in = Files.newInputStream(Fixtures.stream(name));
             CoalescingWriter writer = new CoalescingWriter(new DumpFileWriter(ch))) {
            FlattenedDecoder decoder = new FlattenedDecoder(writer, DecoderLimits.DEFAULT);
            Random random = new Random(name.hashCode());
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf, 0, 1 + random.nextInt(buf.length))) > 0; ) {
                decoder.feed(ByteBuffer.wrap(buf, 0, n));
                writer.flush(); // buf is read into again: the writer keeps views of it until flushed
            }
            decoder.finish();
            writer.flush();
        }
        assertEquals(-1, Files.mismatch(Fixtures.oracle(name), out), name + ": differs from makedumpfile -R");
    }

    @ParameterizedTest
    @MethodSource("names")
    void streamCutShortIsKeptAndMarkedIncomplete(String name) throws IOException {
        Path stream = Fixtures.stream(name);
        long cut = Files.size(stream) * 2 / 3;
        Path out = tmp.resolve(name + ".cut");
        StreamReceiver.Outcome outcome = receive(stream, out, cut, new Random(7));
        assertFalse(outcome.complete(), "a stream cut at 2/3 is incomplete");
        assertTrue(outcome.problem().contains("before the end marker"), outcome.problem());
        assertEquals(cut, outcome.streamBytes(), "every received byte was accounted for");
        boolean elf = name.startsWith("elf");
        assertEquals(elf ? IncompleteMarker.Result.MARKED_ELF : IncompleteMarker.Result.MARKED_KDUMP, outcome.marked());
        ByteBuffer word = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(out)) {
            ch.read(word, elf ? 48 : IncompleteMarker.KDUMP_STATUS_OFFSET);
        }
        int flag = elf ? IncompleteMarker.ELF_INCOMPLETE : IncompleteMarker.KDUMP_INCOMPLETE;
        assertEquals(flag, word.getInt(0) & flag, "incomplete flag set in the header");
    }

    @ParameterizedTest
    @MethodSource("names")
    void uploadResumedAtItsCommittedPointGivesTheSameDump(String name) throws IOException {
        byte[] stream = Files.readAllBytes(Fixtures.stream(name));
        Path out = tmp.resolve(name + ".resumed");
        long committed;
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            StreamReceiver first = new StreamReceiver(ch, DecoderLimits.DEFAULT);
            first.feed(ByteBuffer.wrap(stream, 0, stream.length / 2));
            committed = first.committedStreamBytes();
            assertTrue(committed > 4096 && committed <= stream.length / 2, "committed " + committed);
            first.abort("connection reset");
        }
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            StreamReceiver resumed = StreamReceiver.resuming(ch, ContentKind.FLATTENED, committed, DecoderLimits.DEFAULT);
            resumed.feed(ByteBuffer.wrap(stream, (int) committed, stream.length - (int) committed));
            StreamReceiver.Outcome o = resumed.finish();
            assertTrue(o.complete(), o.toString());
            assertEquals(stream.length, o.streamBytes(), "stream bytes count the committed part");
        }
        // the incomplete mark set by the first attempt lives in the header, which is rewritten
        // only if the resumed part rewrites it; makedumpfile's streams rewrite the sub-header,
        // not the main header, so compare everything but the status word
        byte[] got = Files.readAllBytes(out);
        byte[] want = Files.readAllBytes(Fixtures.oracle(name));
        assertEquals(want.length, got.length, "size");
        int flagsAt = name.startsWith("elf") ? 48 : IncompleteMarker.KDUMP_STATUS_OFFSET;
        for (int i = flagsAt; i < flagsAt + 4; i++) {
            got[i] = want[i];
        }
        assertTrue(Arrays.equals(want, got), name + ": resumed dump differs from makedumpfile -R beyond the flag");
    }

    /** Feeds the first {@code limit} bytes of {@code stream} in chunks of 1 byte to 256 KiB. */
    static StreamReceiver.Outcome receive(Path stream, Path out, long limit, Random random) throws IOException {
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE); InputStream in = Files.newInputStream(stream)) {
            StreamReceiver receiver = new StreamReceiver(ch, DecoderLimits.DEFAULT);
            byte[] buf = new byte[256 << 10];
            long left = limit;
            while (left > 0) {
                int want = (int) Math.min(left, random.nextInt(8) == 0 ? 1 + random.nextInt(20) : 1 + random.nextInt(buf.length));
                int n = in.read(buf, 0, want);
                if (n < 0) {
                    break;
                }
                receiver.feed(ByteBuffer.wrap(buf, 0, n));
                left -= n;
            }
            return receiver.finish();
        }
    }
}
