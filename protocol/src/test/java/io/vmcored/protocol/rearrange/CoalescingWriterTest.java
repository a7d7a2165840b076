package io.vmcored.protocol.rearrange;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CoalescingWriterTest {

    private static final int CHUNK = 1 << 20;

    @TempDir
    Path tmp;

    /**
     * Appends to several runs, overlapping rewrites, big and tiny payloads, all as views of a
     * few reused input buffers (as the command line and the server feed it): the file must
     * equal last-write-wins, with the writer thread (command line) and on the caller's thread
     * (server). A buffer is overwritten with junk the moment the writer gives it back, so a
     * write from a buffer after its release would show in the file.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void randomWritesFromReusedBuffersEndAsLastWriteWins(boolean callerThread) throws Exception {
        for (int seed = 0; seed < 40; seed++) {
            Random random = new Random(seed);
            int space = 6 << 20;
            byte[] expected = new byte[0];
            Path file = tmp.resolve("out" + seed);
            long[] cursors = {0, 2 << 20, 4 << 20};
            BlockingQueue<ByteBuffer> pool = new ArrayBlockingQueue<>(3);
            for (int i = 0; i < 3; i++) {
                pool.add(ByteBuffer.allocateDirect(CHUNK));
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    StandardOpenOption.READ);
                 CoalescingWriter w = callerThread ? CoalescingWriter.onCallerThread(new DumpFileWriter(ch))
                         : new CoalescingWriter(new DumpFileWriter(ch))) {
                ByteBuffer chunk = pool.take();
                for (int i = 0; i < 400; i++) {
                    int size = random.nextInt(10) == 0 ? 1 + random.nextInt(700_000) : 1 + random.nextInt(70_000);
                    if (chunk.remaining() < size) {
                        ByteBuffer done = chunk;
                        w.endOfChunk(() -> {
                            done.clear();
                            while (done.hasRemaining()) {
                                done.put((byte) 0xEE);
                            }
                            pool.add(done.clear());
                        });
                        chunk = pool.take();
                    }
                    long offset;
                    if (random.nextInt(10) < 7) {
                        int c = random.nextInt(cursors.length);
                        offset = cursors[c];
                        cursors[c] += size;
                    } else {
                        offset = random.nextInt(space);
                    }
                    byte[] payload = new byte[size];
                    random.nextBytes(payload);
                    int at = chunk.position();
                    chunk.put(payload);
                    w.write(offset, chunk.slice(at, size));
                    int end = (int) (offset + size);
                    if (end > expected.length) {
                        expected = Arrays.copyOf(expected, end);
                    }
                    System.arraycopy(payload, 0, expected, (int) offset, size);
                }
                w.flush();
                assertEquals(expected.length, w.target().extent(), "extent, seed " + seed);
            }
            assertArrayEquals(expected, Files.readAllBytes(file), "file content, seed " + seed);
        }
    }

    /** A gathering write of many slices is cut at aligned offsets and lands whole, wherever it starts. */
    @ParameterizedTest
    @ValueSource(longs = {0, 1, 4095, PositionalWrites.MAX_WRITE - 7, 3L * PositionalWrites.MAX_WRITE + 12345})
    void gatheringWriteLandsWhole(long start) throws IOException {
        Random random = new Random(start);
        byte[] data = new byte[PositionalWrites.MAX_WRITE * 3 + 777];
        random.nextBytes(data);
        ByteBuffer[] slices = new ByteBuffer[40];
        int at = 0;
        for (int i = 0; i < slices.length; i++) {
            int len = i == slices.length - 1 ? data.length - at : random.nextInt(Math.min(60_000, data.length - at) + 1);
            ByteBuffer b = ByteBuffer.allocateDirect(len).put(data, at, len).flip();
            slices[i] = b;
            at += len;
        }
        Path file = tmp.resolve("gather" + start);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            assertEquals(data.length, PositionalWrites.writeFully(ch, slices, start));
            for (ByteBuffer b : slices) {
                assertEquals(0, b.remaining(), "every slice consumed");
            }
        }
        byte[] got = Files.readAllBytes(file);
        assertEquals(start + data.length, got.length);
        assertArrayEquals(data, Arrays.copyOfRange(got, (int) start, got.length));
    }
}
