package io.vmcored.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.protocol.testsupport.Fixtures;
import io.vmcored.protocol.testsupport.Processes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code vmcored rearrange} as a process, against {@code makedumpfile -R} output of real streams. */
class RearrangeCommandTest {

    @TempDir
    Path tmp;

    static Stream<String> names() {
        return Fixtures.namesForSource();
    }

    @ParameterizedTest
    @MethodSource("names")
    void fileOnStdinGivesMakedumpfileOutput(String name) throws Exception {
        Path out = tmp.resolve("dump");
        CliProcess.Result r = CliProcess.run(Fixtures.stream(name), "rearrange", out.toString());
        assertEquals(0, r.exit(), "exit status; stderr: " + r.stderr());
        assertEquals("", r.stderr(), "quiet on success");
        assertEquals(-1, Files.mismatch(Fixtures.oracle(name), out), "first byte differing from makedumpfile -R");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
    }

    @ParameterizedTest
    @MethodSource("names")
    void pipeOnStdinGivesMakedumpfileOutput(String name) throws Exception {
        Path out = tmp.resolve("dump");
        CliProcess.Result r = CliProcess.runPiped("cat '" + Fixtures.stream(name) + "'", "rearrange", out.toString());
        assertEquals(0, r.exit(), "exit status; stderr: " + r.stderr());
        assertEquals(-1, Files.mismatch(Fixtures.oracle(name), out), "first byte differing from makedumpfile -R");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip -c", "bzip2 -c", "xz -c -T1 -0", "lz4 -c"})
    void wrappedStreamsAreUnwrapped(String compressor) throws Exception {
        String name = "kdump-lzo-d31";
        Path out = tmp.resolve("dump");
        Path wrapped = tmp.resolve("stream.z");
        Processes.Result z = Processes.run(Duration.ofMinutes(2), "sh", "-c",
                compressor + " < '" + Fixtures.stream(name) + "' > '" + wrapped + "'");
        assertEquals(0, z.exit(), compressor + ": " + z);
        CliProcess.Result fromFile = CliProcess.run(wrapped, "rearrange", out.toString());
        assertEquals(0, fromFile.exit(), compressor + " from a file; stderr: " + fromFile.stderr());
        assertEquals(-1, Files.mismatch(Fixtures.oracle(name), out), compressor + ": differs from makedumpfile -R");
        Files.delete(out);
        CliProcess.Result fromPipe = CliProcess.runPiped("cat '" + wrapped + "'", "rearrange", out.toString());
        assertEquals(0, fromPipe.exit(), compressor + " from a pipe; stderr: " + fromPipe.stderr());
        assertEquals(-1, Files.mismatch(Fixtures.oracle(name), out), compressor + " piped: differs from makedumpfile -R");
    }

    @Test
    void truncatedStreamIsKeptMarkedIncompleteWithExit2() throws Exception {
        String name = "kdump-zlib-d31";
        byte[] stream = Files.readAllBytes(Fixtures.stream(name));
        Path cut = tmp.resolve("cut.flat");
        Files.write(cut, Arrays.copyOf(stream, stream.length / 2));
        Path out = tmp.resolve("dump");
        CliProcess.Result r = CliProcess.run(cut, "rearrange", out.toString());
        assertEquals(RearrangeCommand.EXIT_INCOMPLETE, r.exit(), "stderr: " + r.stderr());
        assertOneLine(r.stderr(), "incomplete dump: stream ended before the end marker");
        assertTrue(r.stderr().contains("marked incomplete (kdump status flag 0x8)"), r.stderr());
        int status = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN).getInt(424);
        assertEquals(0x8, status & 0x8, "status flag in the kept dump");
        // the vmcore reader that crash users rely on must still see a dump
        String said = Processes.run(new ProcessBuilder("makedumpfile", "--dump-dmesg", out.toString(),
                tmp.resolve("log").toString()).redirectErrorStream(true), Duration.ofMinutes(2)).out();
        assertFalse(said.contains("not a valid") || said.contains("signature"), "makedumpfile reads the header: " + said);
    }

    @Test
    void existingFileIsRefusedUnlessForced() throws Exception {
        Path stream = Fixtures.stream("kdump-lzo-d31");
        Path out = tmp.resolve("dump");
        Files.writeString(out, "precious");
        CliProcess.Result r = CliProcess.run(stream, "rearrange", out.toString());
        assertEquals(1, r.exit());
        assertOneLine(r.stderr(), "already exists (use -f to overwrite)");
        assertEquals("precious", Files.readString(out), "existing file untouched");
        CliProcess.Result forced = CliProcess.run(stream, "rearrange", "-f", out.toString());
        assertEquals(0, forced.exit(), forced.stderr());
        assertEquals(-1, Files.mismatch(Fixtures.oracle("kdump-lzo-d31"), out));
    }

    @Test
    void badInputsGetOneLineErrors() throws Exception {
        Path out = tmp.resolve("dump");
        expectFailure(tmp.resolve("empty"), new byte[0], out, "standard input is empty");
        byte[] elf = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        expectFailure(tmp.resolve("elf"), elf, out, "looks like an ELF file");
        byte[] text = "hello, this is not a dump\n".getBytes(StandardCharsets.US_ASCII);
        expectFailure(tmp.resolve("text"), text, out, "is not a flattened dump");
        byte[] header = Arrays.copyOf("makedumpfile".getBytes(StandardCharsets.US_ASCII), 4096);
        ByteBuffer.wrap(header).putLong(16, 7);
        expectFailure(tmp.resolve("type"), header, out, "unsupported flattened type 7, expected 1");
        ByteBuffer.wrap(header).putLong(16, 1);
        expectFailure(tmp.resolve("zero"), concat(header, record(0, 0)), out, "invalid size 0");
        expectFailure(tmp.resolve("neg"), concat(header, record(-8, 16)), out, "negative offset -8");
        expectFailure(tmp.resolve("huge"), concat(header, record(1L << 50, 4096)), out, "beyond the maximum dump size");
        byte[] ok = concat(header, record(0, 4), new byte[] {1, 2, 3, 4}, record(-1, -1));
        expectFailure(tmp.resolve("trailing"), concat(ok, new byte[] {9, 9}), out, "garbage after the end marker: 2 more bytes");
        assertEquals(4, Files.size(out), "the complete dump before the trailing garbage is kept");
    }

    @Test
    void maximumDumpSizeIsConfigurable() throws Exception {
        Path out = tmp.resolve("dump");
        CliProcess.Result r = CliProcess.run(Fixtures.stream("kdump-lzo-d31"), "rearrange", "--max-dump-size", "65536",
                out.toString());
        assertEquals(1, r.exit());
        assertOneLine(r.stderr(), "ends beyond the maximum dump size 65536");
    }

    @Test
    void helpAndUnknownOptionsGoThroughTheFullParser() throws Exception {
        Path empty = tmp.resolve("empty");
        Files.write(empty, new byte[0]);
        CliProcess.Result help = CliProcess.run(empty, "rearrange", "--help");
        assertEquals(0, help.exit(), help.stderr());
        assertTrue(help.stdout().contains("Usage: vmcored rearrange") && help.stdout().contains("--max-dump-size"),
                help.stdout());
        CliProcess.Result unknown = CliProcess.run(empty, "rearrange", "--bogus", tmp.resolve("d").toString());
        assertEquals(2, unknown.exit(), "picocli's usage error status");
        assertTrue(unknown.stderr().contains("Unknown option: '--bogus'"), unknown.stderr());
        assertFalse(Files.exists(tmp.resolve("d")), "nothing created on a usage error");
    }

    private void expectFailure(Path in, byte[] content, Path out, String message) throws Exception {
        Files.write(in, content);
        Files.deleteIfExists(out);
        CliProcess.Result r = CliProcess.run(in, "rearrange", out.toString());
        assertEquals(1, r.exit(), "exit status for " + in.getFileName() + "; stderr: " + r.stderr());
        assertOneLine(r.stderr(), message);
    }

    private static void assertOneLine(String stderr, String expected) {
        assertTrue(stderr.startsWith("vmcored rearrange: "), "prefixed message: " + stderr);
        assertTrue(stderr.contains(expected), "expected '" + expected + "' in: " + stderr);
        assertEquals(1, stderr.lines().count(), "one line, no stack trace: " + stderr);
    }

    private static byte[] record(long offset, long size) {
        return ByteBuffer.allocate(16).putLong(offset).putLong(size).array();
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }
}
