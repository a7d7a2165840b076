package io.vmcored.protocol.dump;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** How a dump's pages are compressed (kdump page descriptor flags). */
public enum Compression {
    ZLIB, LZO, SNAPPY, ZSTD, NONE, MIXED, UNKNOWN;

    /** The codec of one page descriptor's flags; UNKNOWN for an unknown bit pattern. */
    public static Compression ofFlags(int flags) {
        int codec = flags & (KdumpHeader.STATUS_ZLIB | KdumpHeader.STATUS_LZO | KdumpHeader.STATUS_SNAPPY
                | KdumpHeader.STATUS_ZSTD);
        return switch (codec) {
            case 0 -> NONE;
            case KdumpHeader.STATUS_ZLIB -> ZLIB;
            case KdumpHeader.STATUS_LZO -> LZO;
            case KdumpHeader.STATUS_SNAPPY -> SNAPPY;
            case KdumpHeader.STATUS_ZSTD -> ZSTD;
            default -> UNKNOWN;
        };
    }

    /**
     * The dump's compression from the codecs seen on sampled pages: pages that do not
     * shrink are stored raw even in a compressed dump, so NONE only counts if alone.
     */
    public static Compression summarize(Set<Compression> seen) {
        Set<Compression> codecs = EnumSet.noneOf(Compression.class);
        codecs.addAll(seen);
        codecs.remove(NONE);
        if (codecs.isEmpty()) {
            return seen.contains(NONE) ? NONE : UNKNOWN;
        }
        return codecs.size() == 1 ? codecs.iterator().next() : MIXED;
    }

    /** Lower-case name as printed in reports ("zlib", "none", ...). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
