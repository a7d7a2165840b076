package io.vmcored.protocol.rearrange;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.protocol.flat.DecoderLimits;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamReceiverTest {

    @TempDir
    Path tmp;

    @Test
    void textIsStoredAsSentWhateverTheChunking() throws IOException {
        byte[] text = "[    5.543361] Kernel panic - not syncing: sysrq triggered crash\n".getBytes(StandardCharsets.US_ASCII);
        for (int split = 1; split <= text.length; split += 5) {
            Path out = tmp.resolve("dmesg" + split);
            StreamReceiver.Outcome o = feed(out, text, split);
            assertEquals(ContentKind.PLAIN, o.kind());
            assertTrue(o.complete());
            assertArrayEquals(text, Files.readAllBytes(out), "split " + split);
        }
    }

    @Test
    void shortFilesBelowTheSniffSizeAreStored() throws IOException {
        Path out = tmp.resolve("status");
        StreamReceiver.Outcome o = feed(out, "ok\n".getBytes(StandardCharsets.US_ASCII), 1);
        assertEquals(ContentKind.PLAIN, o.kind());
        assertEquals("ok\n", Files.readString(out));
        Path empty = tmp.resolve("empty");
        assertEquals(0, feed(empty, new byte[0], 1).fileSize());
        assertEquals(0, Files.size(empty));
    }

    @Test
    void elfVmcoreIsStoredRaw() throws IOException {
        byte[] elf = new byte[200];
        elf[0] = 0x7f;
        elf[1] = 'E';
        elf[2] = 'L';
        elf[3] = 'F';
        elf[4] = 2;
        elf[5] = 1;
        Path out = tmp.resolve("vmcore");
        StreamReceiver.Outcome o = feed(out, elf, 7);
        assertEquals(ContentKind.ELF, o.kind());
        assertArrayEquals(elf, Files.readAllBytes(out));
    }

    @Test
    void abortedFlattenedUploadMarksItsKdumpHeader() throws IOException {
        byte[] header = new byte[4096];
        System.arraycopy("KDUMP   ".getBytes(StandardCharsets.US_ASCII), 0, header, 0, 8);
        ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 6).putInt(424, 0x1);
        ByteBuffer stream = ByteBuffer.allocate(4096 + 16 + 4096);
        stream.put("makedumpfile".getBytes(StandardCharsets.US_ASCII)).putLong(16, 1).putLong(24, 1);
        stream.position(4096);
        stream.putLong(0).putLong(4096).put(header).flip();
        Path out = tmp.resolve("vmcore-incomplete");
        try (FileChannel ch = open(out)) {
            StreamReceiver r = new StreamReceiver(ch, DecoderLimits.DEFAULT);
            r.feed(stream);
            assertEquals(4096 + 16 + 4096, r.committedStreamBytes());
            StreamReceiver.Outcome o = r.abort("connection reset by peer");
            assertFalse(o.complete());
            assertEquals("connection reset by peer", o.problem());
            assertEquals(IncompleteMarker.Result.MARKED_KDUMP, o.marked());
        }
        ByteBuffer stored = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x1 | 0x8, stored.getInt(424), "compression flag kept, incomplete flag added");
    }

    @Test
    void headerThatNeverArrivedIsReportedNotInvented() throws IOException {
        ByteBuffer stream = ByteBuffer.allocate(4096 + 16 + 4);
        stream.put("makedumpfile".getBytes(StandardCharsets.US_ASCII)).putLong(16, 1);
        stream.position(4096);
        stream.putLong(8192).putLong(4).putInt(0x01020304).flip();
        Path out = tmp.resolve("x");
        try (FileChannel ch = open(out)) {
            StreamReceiver r = new StreamReceiver(ch, DecoderLimits.DEFAULT);
            r.feed(stream);
            StreamReceiver.Outcome o = r.finish();
            assertFalse(o.complete());
            assertEquals(IncompleteMarker.Result.NO_HEADER, o.marked());
            assertEquals(8196, o.fileSize());
        }
    }

    private StreamReceiver.Outcome feed(Path out, byte[] data, int split) throws IOException {
        try (FileChannel ch = open(out)) {
            StreamReceiver r = new StreamReceiver(ch, DecoderLimits.DEFAULT);
            for (int i = 0; i < data.length; i += split) {
                r.feed(ByteBuffer.wrap(data, i, Math.min(split, data.length - i)));
            }
            return r.finish();
        }
    }

    private static FileChannel open(Path p) throws IOException {
        return FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }
}
