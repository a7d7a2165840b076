package io.vmcored.server.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * Replaces a small file atomically: a reader (or a restarted server) sees the old or the new
 * content, never a torn one. The new bytes go to a dot-named temp file beside it, which is then
 * swapped in.
 *
 * <p>Where it can (Linux, a file system with {@code RENAME_EXCHANGE}), the temp file is
 * swapped with the target instead of renamed over it, and rewritten in place next time: a
 * file saved many times (a dump's manifest, about seven times) then costs no new inode per
 * save. A new inode per save (plus the old one freed) put ~11% of the CPU samples of 128
 * uploads at once in ext4's inode allocator, which on a file system without a journal skips
 * every inode freed in the last 1-5 minutes, in every allocation. For the same reason the
 * temp file (the previous version, hidden from clients like every dot file) stays.
 */
public final class AtomicFile {

    private AtomicFile() {
    }

    /**
     * Writes {@code bytes} as {@code dir/name}. {@code durable = false} skips the fsyncs (still
     * atomic): for intermediate states, where an fsync would make ext4 flush every other
     * upload's dirty data too.
     */
    public static void write(Path dir, String name, byte[] bytes, boolean durable) throws IOException {
        Path tmp = dir.resolve("." + name + ".tmp");
        Path target = dir.resolve(name);
        // no O_TRUNC: ext4 flushes a file truncated to zero when it is closed (auto_da_alloc)
        try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                PrivateFiles.FILE)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            long at = 0;
            while (b.hasRemaining()) {
                at += ch.write(b, at);
            }
            ch.truncate(bytes.length);
            if (durable) {
                ch.force(true);
            }
        }
        if (!exchange(tmp, target)) { // the first version, or no RENAME_EXCHANGE here
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (durable) {
            syncDirectory(dir);
        }
    }

    /** Swaps {@code tmp} and {@code target} in one step; false where that is not possible (then rename). */
    private static boolean exchange(Path tmp, Path target) {
        return LinuxFileCalls.available() && LinuxFileCalls.renameat2(LinuxFileCalls.AT_FDCWD, tmp.toString(),
                LinuxFileCalls.AT_FDCWD, target.toString(), LinuxFileCalls.RENAME_EXCHANGE) == 0;
    }

    /** Makes a rename durable; some file systems refuse opening a directory, which is then best effort. */
    public static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // directory fsync is not supported everywhere; the file itself was fsynced
        }
    }
}
