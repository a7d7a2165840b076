package io.vmcored.server.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import net.jpountz.xxhash.XXHashFactory;

/**
 * What a stored file held when a resume point was recorded: its length then, and a hash of
 * its last {@link #WINDOW} bytes read back from the file after it was forced to disk. A
 * resume checks the file against it, so that a file cut or lost below the resume point (a
 * power loss, a restore, an operator's mistake) is never continued into a dump with a hole.
 *
 * @param length bytes of the file that the committed part of the stream wrote (all of them on disk)
 * @param hash   xxh64 (seed 0) of bytes {@code [length - WINDOW, length)} as read from the file
 */
public record StoredExtent(long length, long hash) {

    static final int WINDOW = 4096;

    /** Forces {@code file} to disk up to {@code length} bytes and reads its window back. Blocking. */
    public static StoredExtent record(Path file, long length) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ch.force(false);
            return new StoredExtent(length, windowHash(ch, length));
        }
    }

    /** Null when the file still holds what it held at {@link #record}, else why not. Blocking. */
    public String mismatch(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < length) {
                return "the stored file has " + size + " bytes, its resume point needs " + length;
            }
            long h = windowHash(ch, length);
            return h == hash ? null : "the stored file's bytes below its resume point changed (window hash "
                    + Long.toHexString(h) + ", recorded " + Long.toHexString(hash) + ")";
        } catch (NoSuchFileException e) {
            return "the stored file is gone";
        } catch (IOException e) {
            return "the stored file cannot be read (" + e.getMessage() + ")";
        }
    }

    public String hashHex() {
        return String.format("%016x", hash);
    }

    private static long windowHash(FileChannel ch, long length) throws IOException {
        long from = Math.max(0, length - WINDOW);
        ByteBuffer b = ByteBuffer.allocate((int) (length - from));
        while (b.hasRemaining()) {
            if (ch.read(b, from + b.position()) < 0) {
                break; // shorter than length: hashes what is there, which then differs
            }
        }
        return XXHashFactory.fastestInstance().hash64().hash(b.array(), 0, b.position(), 0);
    }
}
