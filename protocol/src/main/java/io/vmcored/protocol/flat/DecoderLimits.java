package io.vmcored.protocol.flat;

/**
 * Bounds applied to every offset and size read from the wire.
 *
 * @param maxDumpSize largest output file accepted: every record must end at or before it
 */
public record DecoderLimits(long maxDumpSize) {

    /** 16 TiB: larger than any machine we collect from, small enough to catch garbage. */
    public static final long DEFAULT_MAX_DUMP_SIZE = 16L << 40;

    public static final DecoderLimits DEFAULT = new DecoderLimits(DEFAULT_MAX_DUMP_SIZE);

    public DecoderLimits {
        if (maxDumpSize <= 0) {
            throw new IllegalArgumentException("maxDumpSize must be positive, was " + maxDumpSize);
        }
    }
}
