package io.vmcored.protocol.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.airlift.compress.Compressor;
import io.airlift.compress.lzo.LzoCompressor;
import io.airlift.compress.snappy.SnappyCompressor;
import io.airlift.compress.zstd.ZstdCompressor;
import io.vmcored.protocol.dump.Compression;
import io.vmcored.protocol.dump.DumpFormatException;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/**
 * Every page codec makedumpfile can write, round-tripped through aircompressor's own
 * compressors. Debian's makedumpfile has only zlib and lzo (covered by the real fixtures);
 * snappy and zstd pages made by the reference implementations are checked in
 * {@link ExternalCodecPageTest} and {@link ExternalCodecDumpTest}.
 */
class PageCodecTest {

    private static byte[] page() {
        byte[] p = new byte[4096];
        Random r = new Random(3);
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) (i % 7 == 0 ? r.nextInt(256) : i / 64);
        }
        return p;
    }

    private static byte[] compress(Compressor c, byte[] page) {
        byte[] out = new byte[c.maxCompressedLength(page.length)];
        int n = c.compress(page, 0, page.length, out, 0, out.length);
        return Arrays.copyOf(out, n);
    }

    private static byte[] zlib(byte[] page) {
        Deflater d = new Deflater();
        d.setInput(page);
        d.finish();
        byte[] out = new byte[8192];
        int n = d.deflate(out);
        return Arrays.copyOf(out, n);
    }

    @Test
    void decodesEachCodecToTheOriginalPage() throws DumpFormatException {
        byte[] page = page();
        PageCodec codec = new PageCodec();
        Object[][] cases = {
            {Compression.ZLIB, zlib(page)},
            {Compression.LZO, compress(new LzoCompressor(), page)},
            {Compression.SNAPPY, compress(new SnappyCompressor(), page)},
            {Compression.ZSTD, compress(new ZstdCompressor(), page)},
        };
        for (Object[] c : cases) {
            byte[] in = (byte[]) c[1];
            byte[] out = new byte[4096];
            codec.decompress((Compression) c[0], in, in.length, out, 4096, 42);
            assertArrayEquals(page, out, c[0] + " round trip");
        }
    }

    @Test
    void damagedDataIsADumpFormatExceptionNamingThePage() {
        byte[] page = page();
        PageCodec codec = new PageCodec();
        for (Compression c : new Compression[] {Compression.ZLIB, Compression.LZO, Compression.SNAPPY, Compression.ZSTD}) {
            byte[] in = switch (c) {
                case ZLIB -> zlib(page);
                case LZO -> compress(new LzoCompressor(), page);
                case SNAPPY -> compress(new SnappyCompressor(), page);
                default -> compress(new ZstdCompressor(), page);
            };
            byte[] cut = Arrays.copyOf(in, in.length / 2);
            DumpFormatException e = assertThrows(DumpFormatException.class,
                    () -> codec.decompress(c, cut, cut.length, new byte[4096], 4096, 77), c + " cut in half");
            assertTrue(e.getMessage().startsWith("page 77: "), e.getMessage());
        }
    }
}
