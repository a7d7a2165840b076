package io.vmcored.server.storage;

import io.vmcored.protocol.rearrange.ContentKind;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * The decompressors for streams a sender wrapped in gzip, bzip2, xz or lz4 (Debian's
 * kdump-tools with {@code KDUMP_COMPRESSION}, or an operator's pipe into {@code vmcored
 * rearrange}). Which wrapper a stream has is {@link ContentKind#sniff}'s call, by magic bytes.
 * Concatenated members/streams are read as one, as gzip -d and friends do.
 */
public final class WrappedStreams {

    /** No limit on the xz decoder's memory (the command line, on the operator's own machine). */
    public static final int NO_MEMORY_LIMIT = -1;

    private WrappedStreams() {
    }

    /**
     * The stream inside {@code in}, which starts with the magic of {@code wrapper}.
     *
     * @param in             the wrapped bytes, buffered (the decoders read small pieces)
     * @param xzMemoryKiB    most memory the xz decoder may take (its dictionary), or {@link #NO_MEMORY_LIMIT}
     */
    public static InputStream open(ContentKind wrapper, InputStream in, int xzMemoryKiB) throws IOException {
        return switch (wrapper) {
            case GZIP -> new GZIPInputStream(in, 1 << 16);
            case BZIP2 -> new BZip2CompressorInputStream(in, true);
            case XZ -> new XZCompressorInputStream(in, true, xzMemoryKiB);
            case LZ4 -> new FramedLZ4CompressorInputStream(in, true);
            default -> throw new IllegalArgumentException(wrapper + " is not a compressor's wrapper");
        };
    }

    /** What tools call the format, for messages: gzip, bzip2, xz, lz4. */
    public static String toolName(ContentKind wrapper) {
        return wrapper.name().toLowerCase(java.util.Locale.ROOT);
    }
}
