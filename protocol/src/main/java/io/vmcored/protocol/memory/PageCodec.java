package io.vmcored.protocol.memory;

import io.airlift.compress.Decompressor;
import io.airlift.compress.lzo.LzoDecompressor;
import io.airlift.compress.snappy.SnappyDecompressor;
import io.airlift.compress.zstd.ZstdDecompressor;
import io.vmcored.protocol.dump.Compression;
import io.vmcored.protocol.dump.DumpFormatException;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decompresses one kdump page: zlib (RFC 1950, java.util.zip), raw lzo1x, raw snappy
 * block, or one zstd frame (aircompressor). Not thread-safe: one per reader.
 */
final class PageCodec {

    private final Inflater inflater = new Inflater();
    private Decompressor lzo;
    private Decompressor snappy;
    private Decompressor zstd;

    /** Decompresses {@code in[0..len)} into exactly {@code pageSize} bytes of {@code out}, or fails naming the pfn. */
    void decompress(Compression codec, byte[] in, int len, byte[] out, int pageSize, long pfn)
            throws DumpFormatException {
        int n;
        try {
            n = switch (codec) {
                case ZLIB -> inflate(in, len, out, pageSize);
                case LZO -> lzo().decompress(in, 0, len, out, 0, pageSize);
                case SNAPPY -> snappy().decompress(in, 0, len, out, 0, pageSize);
                case ZSTD -> zstd().decompress(in, 0, len, out, 0, pageSize);
                default -> throw new DumpFormatException("page " + pfn + " has unknown compression flags");
            };
        } catch (DataFormatException | RuntimeException e) {
            throw new DumpFormatException("page " + pfn + ": " + codec.label() + " data is damaged (" + e.getMessage() + ")", e);
        }
        if (n != pageSize) {
            throw new DumpFormatException("page " + pfn + ": " + codec.label() + " data decompressed to " + n
                    + " bytes, expected " + pageSize);
        }
    }

    private int inflate(byte[] in, int len, byte[] out, int pageSize) throws DataFormatException {
        inflater.reset();
        inflater.setInput(in, 0, len);
        int n = 0;
        while (n < pageSize && !inflater.finished()) {
            int r = inflater.inflate(out, n, pageSize - n);
            if (r == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                break;
            }
            n += r;
        }
        return n;
    }

    private Decompressor lzo() {
        return lzo == null ? lzo = new LzoDecompressor() : lzo;
    }

    private Decompressor snappy() {
        return snappy == null ? snappy = new SnappyDecompressor() : snappy;
    }

    private Decompressor zstd() {
        return zstd == null ? zstd = new ZstdDecompressor() : zstd;
    }
}
