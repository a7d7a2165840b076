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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

class CoalescingWriterTest {

    @TempDir
    Path tmp;

    /**
     * Appends to several runs, overlapping rewrites, big and tiny payloads: the file must equal
     * last-write-wins, with the writer thread (command line) and on the caller's thread (server,
     * flushing now and then as after each feed).
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void randomWritesEndAsLastWriteWins(boolean callerThread) throws IOException {
        for (int seed = 0; seed < 40; seed++) {
            Random random = new Random(seed);
            int space = 6 << 20;
            byte[] expected = new byte[0];
            Path file = tmp.resolve("out" + seed);
            long[] cursors = {0, 2 << 20, 4 << 20};
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    StandardOpenOption.READ);
                 CoalescingWriter w = callerThread ? CoalescingWriter.onCallerThread(new DumpFileWriter(ch))
                         : new CoalescingWriter(new DumpFileWriter(ch))) {
                for (int i = 0; i < 400; i++) {
                    int size = random.nextInt(10) == 0 ? 1 + random.nextInt(700_000) : 1 + random.nextInt(70_000);
                    long offset;
                    int kind = random.nextInt(10);
                    if (kind < 7) {
                        int c = random.nextInt(cursors.length);
                        offset = cursors[c];
                        cursors[c] += size;
                    } else {
                        offset = random.nextInt(space);
                    }
                    byte[] payload = new byte[size];
                    random.nextBytes(payload);
                    w.write(offset, ByteBuffer.wrap(payload));
                    int end = (int) (offset + size);
                    if (end > expected.length) {
                        expected = Arrays.copyOf(expected, end);
                    }
                    System.arraycopy(payload, 0, expected, (int) offset, size);
                    if (callerThread && random.nextInt(20) == 0) {
                        w.flush();
                    }
                }
                w.flush();
                assertEquals(expected.length, w.target().extent(), "extent, seed " + seed);
            }
            assertArrayEquals(expected, Files.readAllBytes(file), "file content, seed " + seed);
        }
    }
}
