package io.vmcored.server.catalog;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vmcored.server.storage.AtomicFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads and writes {@code manifest.json}, atomically ({@link AtomicFile}): a reader or a
 * restarted server sees the old or the new manifest, never a torn one.
 */
public final class ManifestIo {

    public static final String FILE_NAME = "manifest.json";
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ManifestIo() {
    }

    public static void write(Path dir, Manifest m) throws IOException {
        write(dir, m, true);
    }

    /**
     * {@code durable = false} skips the fsyncs (still atomic): for intermediate states
     * (receiving, checkpoints). A manifest lost in a power cut is rebuilt from the directory.
     */
    public static void write(Path dir, Manifest m, boolean durable) throws IOException {
        AtomicFile.write(dir, FILE_NAME, JSON.writeValueAsBytes(m), durable);
    }

    public static Manifest read(Path dir) throws IOException {
        return JSON.readValue(dir.resolve(FILE_NAME).toFile(), Manifest.class);
    }

    /** A manifest as another collector wrote it (the shared catalog's copy). */
    public static Manifest parse(String json) throws IOException {
        return JSON.readValue(json, Manifest.class);
    }

    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(FILE_NAME));
    }

    public static ObjectMapper json() {
        return JSON;
    }
}
