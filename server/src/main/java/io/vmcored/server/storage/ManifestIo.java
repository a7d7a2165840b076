package io.vmcored.server.storage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Reads and writes {@code manifest.json} atomically: temp file, fsync, rename over the old
 * one, fsync the directory. A reader (or a restarted server) sees the old or the new
 * manifest, never a torn one.
 */
public final class ManifestIo {

    public static final String FILE_NAME = "manifest.json";
    private static final String TEMP_NAME = ".manifest.json.tmp";
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ManifestIo() {
    }

    public static void write(Path dir, Manifest m) throws IOException {
        write(dir, m, true);
    }

    /**
     * {@code durable = false} skips the fsyncs (still an atomic rename): for intermediate
     * states (receiving, checkpoints), where an fsync would make ext4 flush every other
     * upload's dirty data too. A manifest lost in a power cut is rebuilt from the directory.
     */
    public static void write(Path dir, Manifest m, boolean durable) throws IOException {
        Path tmp = dir.resolve(TEMP_NAME);
        byte[] bytes = JSON.writeValueAsBytes(m);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            if (durable) {
                ch.force(true);
            }
        }
        try {
            Files.move(tmp, dir.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, dir.resolve(FILE_NAME), StandardCopyOption.REPLACE_EXISTING);
        }
        if (durable) {
            syncDirectory(dir);
        }
    }

    public static Manifest read(Path dir) throws IOException {
        return JSON.readValue(dir.resolve(FILE_NAME).toFile(), Manifest.class);
    }

    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(FILE_NAME));
    }

    public static ObjectMapper json() {
        return JSON;
    }

    /** Makes the rename durable; some file systems refuse opening a directory, which is then best effort. */
    static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // directory fsync is not supported everywhere; the file itself was fsynced
        }
    }
}
