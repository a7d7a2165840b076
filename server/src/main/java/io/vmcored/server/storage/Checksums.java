package io.vmcored.server.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import net.jpountz.xxhash.StreamingXXHash64;
import net.jpountz.xxhash.XXHashFactory;

/** The stored-file checksum written to manifests: {@code xxh64:<16 hex digits>}, seed 0. */
public final class Checksums {

    private Checksums() {
    }

    public static String xxh64(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
             StreamingXXHash64 h = XXHashFactory.fastestInstance().newStreamingHash64(0)) {
            ByteBuffer buf = ByteBuffer.allocate(1 << 20);
            byte[] arr = buf.array();
            int n;
            while ((n = ch.read(buf.clear())) > 0) {
                h.update(arr, 0, n);
            }
            return String.format("xxh64:%016x", h.getValue());
        }
    }
}
