package io.vmcored.protocol.dump;

/**
 * {@code struct page_desc} of a kdump-compressed file (24 bytes): where a stored page's
 * data is, how long, and how it is compressed ({@link KdumpHeader#STATUS_ZLIB} etc.; 0 = raw).
 */
public record PageDescriptor(long offset, int size, int flags, long pageFlags) {

    public static final int SIZE = 24;

    public Compression compression() {
        return Compression.ofFlags(flags);
    }
}
