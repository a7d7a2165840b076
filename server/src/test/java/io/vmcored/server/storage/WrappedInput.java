package io.vmcored.server.storage;

import io.vmcored.protocol.rearrange.ContentKind;
import io.vmcored.protocol.testsupport.Processes;
import io.vmcored.protocol.testsupport.Requirements;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;

/** Test input: small flattened streams, and streams wrapped by the real compressor programs kdump-tools runs. */
public final class WrappedInput {

    /** The kdump-tools setting ({@code KDUMP_COMPRESSION}), its program's command line, and the magic it writes. */
    public record Compressor(String setting, List<String> command, ContentKind kind) {
        @Override
        public String toString() {
            return setting;
        }
    }

    /** What kdump-config's compress() runs for each setting. */
    public static final List<Compressor> KDUMP_TOOLS = List.of(
            new Compressor("gzip", List.of("gzip", "-c"), ContentKind.GZIP),
            new Compressor("bzip2", List.of("bzip2", "-c"), ContentKind.BZIP2),
            new Compressor("lz4", List.of("lz4", "-c"), ContentKind.LZ4),
            new Compressor("xz", List.of("xz", "-c"), ContentKind.XZ));

    private WrappedInput() {
    }

    /** {@code data} through the real program, as kdump-config pipes it. */
    public static byte[] compress(Compressor c, byte[] data, Path tmp) throws Exception {
        Requirements.requirePrograms(c.command().get(0));
        Path in = Files.createTempFile(tmp, "plain", ".bin");
        Files.write(in, data);
        Processes.Result r = Processes.run(new ProcessBuilder(c.command()).redirectInput(in.toFile()), Duration.ofSeconds(120));
        if (r.exit() != 0) {
            throw new AssertionError(c.command() + " failed: " + r.err());
        }
        Files.delete(in);
        return r.stdout();
    }

    /** A flattened stream: records out of order, one overwriting another, a hole, part random (incompressible). */
    public static Flat smallFlat(int randomBytes) {
        Random random = new Random(7);
        byte[] a = new byte[4096];
        byte[] b = new byte[randomBytes];
        byte[] c = new byte[300];
        random.nextBytes(a);
        random.nextBytes(b);
        java.util.Arrays.fill(c, (byte) 0x5a);
        return new Flat().record(0, a).record(3 * 4096, b).record(4096, c).record(100, new byte[] {1, 2, 3}).end();
    }

    /** Builds a flattened stream ({@code makedumpfile -F} layout) and what {@code makedumpfile -R} makes of it. */
    public static final class Flat {
        private final ByteArrayOutputStream stream = new ByteArrayOutputStream();
        private byte[] image = new byte[0];

        Flat() {
            ByteBuffer h = ByteBuffer.allocate(4096);
            h.put("makedumpfile".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            h.putLong(16, 1).putLong(24, 1);
            stream.writeBytes(h.array());
        }

        public Flat record(long offset, byte[] data) {
            stream.writeBytes(ByteBuffer.allocate(16).putLong(offset).putLong(data.length).array());
            stream.writeBytes(data);
            int end = (int) offset + data.length;
            if (end > image.length) {
                image = java.util.Arrays.copyOf(image, end);
            }
            System.arraycopy(data, 0, image, (int) offset, data.length);
            return this;
        }

        public Flat end() {
            stream.writeBytes(ByteBuffer.allocate(16).putLong(-1).putLong(-1).array());
            return this;
        }

        public byte[] stream() {
            return stream.toByteArray();
        }

        /** The rearranged file. */
        public byte[] expected() {
            return image.clone();
        }
    }
}
