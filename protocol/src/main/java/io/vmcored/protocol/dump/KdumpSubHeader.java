package io.vmcored.protocol.dump;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * {@code struct kdump_sub_header} at offset block_size (fields beyond the header
 * version's size read as 0).
 *
 * <pre>
 *  0 phys_base  8 dump_level  12 split  16 start_pfn  24 end_pfn
 * 32 offset_vmcoreinfo  40 size_vmcoreinfo  48 offset_note  56 size_note
 * 64 offset_eraseinfo  72 size_eraseinfo  80 start_pfn_64  88 end_pfn_64  96 max_mapnr_64
 * </pre>
 */
public record KdumpSubHeader(long physBase, int dumpLevel, int split, long offsetVmcoreinfo,
                             long sizeVmcoreinfo, long offsetNote, long sizeNote, long maxMapnr64) {

    public static final int SIZE = 104;

    public static KdumpSubHeader read(DumpSource src, KdumpHeader h) throws IOException {
        ByteBuffer b = src.readExactly(h.blockSize(), SIZE, "kdump_sub_header").order(h.order());
        int v = h.headerVersion();
        // header_version 3 added vmcoreinfo, 4 the note section, 5 eraseinfo, 6 the 64-bit pfns
        return new KdumpSubHeader(b.getLong(0), b.getInt(8), b.getInt(12),
                v >= 3 ? b.getLong(32) : 0, v >= 3 ? b.getLong(40) : 0,
                v >= 4 ? b.getLong(48) : 0, v >= 4 ? b.getLong(56) : 0,
                v >= 6 ? b.getLong(96) : 0);
    }
}
