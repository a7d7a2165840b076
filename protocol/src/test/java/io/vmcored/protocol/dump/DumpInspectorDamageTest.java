package io.vmcored.protocol.dump;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.protocol.dmesg.KernelLog;
import io.vmcored.protocol.flat.DecoderLimits;
import io.vmcored.protocol.rearrange.IncompleteMarker;
import io.vmcored.protocol.rearrange.StreamReceiver;
import io.vmcored.protocol.testsupport.Fixtures;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cut, corrupted and incomplete-marked copies of real dumps: clear errors or problems, never a crash. */
class DumpInspectorDamageTest {

    @TempDir
    Path tmp;
    private int copies;

    private Path prefix(Path src, long length) throws IOException {
        Path dst = tmp.resolve("copy" + (copies++) + "-" + length + "-" + src.getFileName());
        try (FileChannel in = FileChannel.open(src); FileChannel out = FileChannel.open(dst,
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            in.transferTo(0, length, out);
        }
        return dst;
    }

    private Path patched(Path src, int at, byte... bytes) throws IOException {
        Path dst = prefix(src, Files.size(src));
        try (FileChannel ch = FileChannel.open(dst, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(bytes), at);
        }
        return dst;
    }

    private static String failure(Path file) {
        return assertThrows(DumpFormatException.class, () -> DumpInspector.inspect(file)).getMessage();
    }

    @Test
    void headersCutShortOrCorruptedFailNamingWhatIsWrong() throws IOException {
        Path kdump = Fixtures.oracle("kdump-zlib-d31");
        Path elf = Fixtures.oracle("elf-d31");
        String m = failure(prefix(kdump, 100));
        assertTrue(m.contains("disk_dump_header") && m.contains("truncated"), m);
        m = failure(patched(kdump, 0, "NOTADUMP".getBytes()));
        assertTrue(m.contains("unknown file format"), m);
        m = failure(patched(kdump, 428, (byte) 0x13, (byte) 0, (byte) 0, (byte) 0));
        assertTrue(m.contains("block_size 19"), m);
        m = failure(prefix(elf, 300));
        assertTrue(m.contains("ELF program headers") && m.contains("truncated"), m);
        m = failure(patched(elf, 16, (byte) 2, (byte) 0));
        assertTrue(m.contains("ET_CORE"), m);
        m = failure(prefix(kdump, 0));
        assertTrue(m.contains("empty"), m);
        m = failure(prefix(Fixtures.stream("kdump-zlib-d31"), 1000));
        assertTrue(m.contains("4096"), m);
    }

    @Test
    void truncatedDumpsAreReadWithTheTruncationReported() throws IOException {
        Path kdump = Fixtures.oracle("kdump-zlib-d31");
        DumpInfo info = DumpInspector.inspect(prefix(kdump, Files.size(kdump) / 2));
        assertEquals(DumpInspector.inspect(kdump).kernelRelease(), info.kernelRelease(), "headers still read");
        assertTrue(info.problems().stream().anyMatch(p -> p.contains("truncated")), info.problems().toString());

        Path elf = Fixtures.oracle("elf-d31");
        info = DumpInspector.inspect(prefix(elf, Files.size(elf) / 2));
        assertTrue(info.problems().stream().anyMatch(p -> p.contains("PT_LOAD") && p.contains("truncated")),
                info.problems().toString());

        Path flat = Fixtures.stream("kdump-lzo-d31");
        info = DumpInspector.inspect(prefix(flat, Files.size(flat) / 2));
        assertTrue(info.flattened() && info.incomplete(), "a stream without end marker is incomplete");
        assertTrue(info.problems().stream().anyMatch(p -> p.contains("end marker")), info.problems().toString());
    }

    @Test
    void incompleteMarkIsReportedForKdumpAndElf() throws IOException {
        for (String name : new String[] {"kdump-none-d31", "elf-d31"}) {
            Path copy = prefix(Fixtures.oracle(name), Files.size(Fixtures.oracle(name)));
            assertFalse(DumpInspector.inspect(copy).incomplete(), "not marked yet");
            try (FileChannel ch = FileChannel.open(copy, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                IncompleteMarker.mark(ch, 4096);
            }
            DumpInfo info = DumpInspector.inspect(copy);
            assertTrue(info.incomplete(), name + " marked incomplete");
            assertTrue(info.problems().stream().anyMatch(p -> p.contains("incomplete")), info.problems().toString());
        }
    }

    @Test
    void streamCutDuringReceptionIsMarkedIncompleteByTheReceiverAndSeenHere() throws IOException {
        Path flat = Fixtures.stream("kdump-zlib-d31");
        Path out = tmp.resolve("received.dump");
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE); InputStream in = Files.newInputStream(flat)) {
            StreamReceiver receiver = new StreamReceiver(ch, DecoderLimits.DEFAULT);
            byte[] buf = new byte[1 << 16];
            long left = Files.size(flat) * 3 / 4;
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                receiver.feed(ByteBuffer.wrap(buf, 0, n));
                left -= n;
            }
            assertFalse(receiver.finish().complete(), "the receiver saw the stream end early");
        }
        DumpInfo info = DumpInspector.inspect(out);
        assertTrue(info.incomplete(), "status 0x8 set by the receiver is read back");
        assertEquals(DumpInfo.Format.KDUMP_COMPRESSED, info.format());
    }

    @Test
    void randomCorruptionOfTheHeadNeverEscapesAsAnythingButDumpFormatException() throws IOException {
        byte[] original;
        try (FileChannel ch = FileChannel.open(Fixtures.oracle("kdump-zlib-d31"))) {
            original = new byte[(int) ch.size()];
            ch.read(ByteBuffer.wrap(original), 0);
        }
        Random r = new Random(7);
        for (int i = 0; i < 300; i++) {
            byte[] b = Arrays.copyOf(original, original.length);
            int flips = 1 + r.nextInt(8);
            for (int f = 0; f < flips; f++) {
                // hit header, sub-header, VMCOREINFO, bitmaps and the descriptor table
                int at = r.nextInt(r.nextBoolean() ? 512 : 64 * 1024);
                b[at] = (byte) r.nextInt(256);
            }
            if (r.nextInt(4) == 0) {
                b = Arrays.copyOf(b, r.nextInt(b.length));
            }
            try (ByteArrayDumpSource src = new ByteArrayDumpSource(b)) {
                DumpInspector.inspect(src);
            } catch (DumpFormatException expected) {
                assertTrue(expected.getMessage() != null && !expected.getMessage().isBlank(), "message present");
            }
            try (ByteArrayDumpSource src = new ByteArrayDumpSource(b)) {
                KernelLog.extract(src);
            } catch (DumpFormatException expected) {
                assertTrue(expected.getMessage() != null && !expected.getMessage().isBlank(), "message present");
            }
        }
    }
}
