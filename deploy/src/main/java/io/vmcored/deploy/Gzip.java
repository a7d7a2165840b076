package io.vmcored.deploy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * {@code gzip -9n FILE...}: each FILE becomes FILE.gz, compressed at the highest level with
 * no name and no time stamp in its header (Debian policy for man pages and changelogs; the
 * same bytes on every build).
 */
public final class Gzip {

    /** Offset of the header's extra-flags byte (RFC 1952), and its value for "slowest, best compression". */
    private static final int XFL = 8;
    private static final byte MAX_COMPRESSION = 2;

    private Gzip() {
    }

    public static void main(String[] args) throws IOException {
        for (String name : args) {
            Path in = Path.of(name);
            ByteArrayOutputStream gz = new ByteArrayOutputStream();
            try (OutputStream out = new Best(gz)) {
                Files.copy(in, out);
            }
            byte[] bytes = gz.toByteArray();
            bytes[XFL] = MAX_COMPRESSION; // as gzip -9 marks it (lintian reads the mark)
            Files.write(Path.of(name + ".gz"), bytes);
        }
    }

    /** GZIPOutputStream writes a zero time stamp and no name; only its level needs raising. */
    private static final class Best extends GZIPOutputStream {
        Best(OutputStream out) throws IOException {
            super(out);
            def.setLevel(Deflater.BEST_COMPRESSION);
        }
    }
}
