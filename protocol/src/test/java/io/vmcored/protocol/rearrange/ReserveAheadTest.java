package io.vmcored.protocol.rearrange;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReserveAheadTest {

    private static final long MIB = 1 << 20;

    @TempDir
    Path tmp;

    /** Records every request; refuses all of them once {@code refuse} is set. */
    private static final class Recorder implements SpaceReserver {
        final List<long[]> calls = new ArrayList<>();
        boolean refuse;

        @Override
        public boolean reserve(long from, long to) {
            calls.add(new long[] {from, to});
            return !refuse;
        }
    }

    @Test
    void reservesAsFarAheadAsTheFileIsLongBetweenOneAnd64MiB() {
        Recorder r = new Recorder();
        ReserveAhead ahead = new ReserveAhead(r, 0);
        ahead.beforeWrite(0, 4096);
        ahead.beforeWrite(4096, MIB);                     // inside the first reservation: no call
        ahead.beforeWrite(MIB, MIB + 4096 + MIB);         // past it
        ahead.beforeWrite(200 * MIB, 200 * MIB + 65536);  // a jump: reserved from the write, the gap stays a hole
        assertEquals(3, r.calls.size());
        assertArrayEquals(new long[] {0, 4096 + MIB}, r.calls.get(0));
        assertArrayEquals(new long[] {4096 + MIB, 2 * (2 * MIB + 4096)}, r.calls.get(1));
        assertArrayEquals(new long[] {200 * MIB, 200 * MIB + 65536 + 64 * MIB}, r.calls.get(2));
    }

    @Test
    void aResumedFileReservesOnlyPastWhatItHolds() {
        Recorder r = new Recorder();
        ReserveAhead ahead = new ReserveAhead(r, 10 * MIB);
        ahead.beforeWrite(5 * MIB, 6 * MIB);
        ahead.beforeWrite(10 * MIB, 10 * MIB + 4096);
        assertEquals(1, r.calls.size());
        assertArrayEquals(new long[] {10 * MIB, 10 * MIB + 4096 + 10 * MIB + 4096}, r.calls.get(0));
    }

    /** Refused ranges are written unreserved and not asked for again; the next step is asked for. */
    @Test
    void aRefusingReserverIsAskedOncePerStepNotPerWrite() {
        Recorder r = new Recorder();
        r.refuse = true;
        ReserveAhead ahead = new ReserveAhead(r, 0);
        for (long at = 0; at < 64 * MIB; at += 64 << 10) {
            ahead.beforeWrite(at, at + (64 << 10));
        }
        // 1,024 writes; steps end at 1M+64K, then twice the file each time: 2.1M, 4.3M, 8.5M, 17M, 34M, 68M
        assertEquals(7, r.calls.size());
        r.refuse = false;
        ahead.beforeWrite(64 * MIB, 64 * MIB + 4096);
        assertEquals(7, r.calls.size(), "still inside the last (refused) step");
    }

    /** Writes larger than one system call's cap land whole and where they belong; the buffer's limit is kept. */
    @Test
    void positionalWritesSplitLargeBuffersWithoutChangingTheBytes() throws IOException {
        byte[] data = new byte[PositionalWrites.MAX_WRITE * 5 + 12345];
        new Random(7).nextBytes(data);
        Path file = tmp.resolve("big");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer src = ByteBuffer.allocateDirect(data.length + 100);
            src.put(data).flip();
            src.limit(data.length);
            assertEquals(data.length, PositionalWrites.writeFully(ch, src, 4096));
            assertEquals(data.length, src.limit());
            assertEquals(0, src.remaining());
        }
        byte[] got = Files.readAllBytes(file);
        assertEquals(4096 + data.length, got.length);
        assertArrayEquals(data, Arrays.copyOfRange(got, 4096, got.length));
    }
}
