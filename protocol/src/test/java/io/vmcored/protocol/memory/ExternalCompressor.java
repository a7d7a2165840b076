package io.vmcored.protocol.memory;


import io.vmcored.protocol.testsupport.Requirements;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Compresses pages with the reference implementations, as separate processes: the
 * {@code zstd} command (Debian package zstd) and Google's libsnappy through Debian's
 * python3-snappy ({@code snappy.compress}: a raw block, what makedumpfile -p writes).
 * Debian's makedumpfile is built without either, so these are the independent makers of
 * such pages. Tests are skipped when the tool is not installed.
 */
final class ExternalCompressor {

    private static final Path ZSTD = Path.of("/usr/bin/zstd");
    /** Debian's interpreter, where python3-snappy installs; a PATH python3 may be another. */
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final String SNAPPY_SCRIPT = """
            import snappy, struct, sys
            data = open(sys.argv[1], 'rb').read()
            size = int(sys.argv[2])
            with open(sys.argv[3], 'wb') as out:
                for i in range(0, len(data), size):
                    c = snappy.compress(data[i:i + size])
                    out.write(struct.pack('<I', len(c)) + c)
            """;

    private ExternalCompressor() {
    }

    /** One zstd frame per page, from files (frames carry the content size), with {@code options}. */
    static List<byte[]> zstd(List<byte[]> pages, Path work, String... options) throws IOException, InterruptedException {
        Requirements.require(Files.isExecutable(ZSTD), "zstd is not installed (Debian package zstd)");
        Path in = Files.createDirectories(work.resolve("pages"));
        Path out = Files.createDirectories(work.resolve("zst"));
        StringBuilder list = new StringBuilder();
        for (int i = 0; i < pages.size(); i++) {
            Path p = in.resolve("p" + i);
            Files.write(p, pages.get(i));
            list.append(p).append('\n');
        }
        Path listFile = Files.writeString(work.resolve("list"), list);
        List<String> cmd = new ArrayList<>(List.of(ZSTD.toString(), "-q", "-f"));
        cmd.addAll(List.of(options));
        cmd.addAll(List.of("--filelist", listFile.toString(), "--output-dir-flat", out.toString()));
        run(cmd, null);
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < pages.size(); i++) {
            frames.add(Files.readAllBytes(out.resolve("p" + i + ".zst")));
        }
        return frames;
    }

    /** One zstd frame of a page streamed through a pipe: the frame header has no content size. */
    static byte[] zstdFromPipe(byte[] page, String... options) throws IOException, InterruptedException {
        Requirements.require(Files.isExecutable(ZSTD), "zstd is not installed (Debian package zstd)");
        List<String> cmd = new ArrayList<>(List.of(ZSTD.toString(), "-q", "-c"));
        cmd.addAll(List.of(options));
        return run(cmd, page);
    }

    /** One raw snappy block per page, made by libsnappy. */
    static List<byte[]> snappy(List<byte[]> pages, Path work) throws IOException, InterruptedException {
        Requirements.require(Files.isExecutable(PYTHON) && new ProcessBuilder(PYTHON.toString(), "-c", "import snappy")
                .start().waitFor() == 0, "python3-snappy is not installed (Debian package python3-snappy)");
        Path in = work.resolve("pages.bin");
        Path out = work.resolve("pages.snappy");
        try (var o = Files.newOutputStream(in)) {
            for (byte[] p : pages) {
                o.write(p);
            }
        }
        run(List.of(PYTHON.toString(), "-c", SNAPPY_SCRIPT, in.toString(), Integer.toString(pages.get(0).length),
                out.toString()), null);
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);
        List<byte[]> blocks = new ArrayList<>();
        while (b.hasRemaining()) {
            byte[] c = new byte[b.getInt()];
            b.get(c);
            blocks.add(c);
        }
        return blocks;
    }

    private static byte[] run(List<String> cmd, byte[] stdin) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (var in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + " did not exit");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " exited " + p.exitValue());
        }
        return out.toByteArray();
    }
}
