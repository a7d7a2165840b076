package io.vmcored.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.protocol.testsupport.Processes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/** Against the real file system under the build directory (ext4 here; tmpfs also takes fallocate). */
class FileSpaceReserverTest {

    @TempDir(cleanup = CleanupMode.ALWAYS)
    Path tmp;

    /** Allocated bytes of {@code file}, as {@code stat -c %b} (512-byte blocks) reports them. */
    private static long allocated(Path file) throws IOException, InterruptedException {
        return Long.parseLong(Processes.run(Duration.ofSeconds(30), "stat", "-c", "%b", file.toString()).ok().out().trim()) * 512;
    }

    @Test
    void reservesBlocksWithoutGrowingTheFileAndGivesBackThoseNeverWritten() throws Exception {
        Path file = tmp.resolve("vmcore");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.READ)) {
            ch.write(ByteBuffer.wrap(new byte[10_000]), 0);
            FileSpaceReserver r = FileSpaceReserver.open(file);
            assertTrue(r.reserve(10_000, 8 << 20), "fallocate through JNA must work on Linux");
            assertEquals(10_000, ch.size(), "KEEP_SIZE: the size is what was written");
            assertTrue(allocated(file) >= 8 << 20, "blocks are reserved: " + allocated(file));
            ch.write(ByteBuffer.wrap(new byte[100_000]), 10_000);
            r.close(ch.size());
            assertEquals(110_000, ch.size());
            assertTrue(allocated(file) < 200_000, "the unwritten reservation is given back: " + allocated(file));
        }
    }

    @Test
    void renamingTheFileMeanwhileChangesNothing() throws Exception {
        Path file = tmp.resolve("vmcore-incomplete");
        Files.write(file, new byte[4096]);
        FileSpaceReserver r = FileSpaceReserver.open(file);
        Path moved = tmp.resolve("vmcore.flat");
        Files.move(file, moved);
        assertTrue(r.reserve(4096, 4 << 20));
        assertTrue(allocated(moved) >= 4 << 20);
        r.close(4096);
        assertEquals(4096, Files.size(moved));
        assertTrue(allocated(moved) < 64 << 10);
    }

    @Test
    void aFileThatCannotBeOpenedReservesNothing() {
        FileSpaceReserver r = FileSpaceReserver.open(tmp.resolve("missing/file"));
        assertEquals(false, r.reserve(0, 1 << 20));
        r.close(0);
    }
}
