package io.vmcored.protocol.memory;

import io.vmcored.protocol.dump.Compression;
import io.vmcored.protocol.dump.DumpFormatException;
import io.vmcored.protocol.dump.KdumpFile;
import io.vmcored.protocol.dump.PageDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Physical pages of a kdump-compressed file: bitmap 2 says whether a page is stored,
 * its descriptor where and how. Every zero page may share one stored page; a
 * descriptor with offset 0 is a page lost from an incomplete dump.
 */
public final class KdumpMemory implements PhysicalMemory {

    private final KdumpFile kdump;
    private final int pageSize;
    private final PageCodec codec = new PageCodec();
    private final byte[] compressed;

    public KdumpMemory(KdumpFile kdump) {
        this.kdump = kdump;
        this.pageSize = kdump.pageSize();
        this.compressed = new byte[pageSize];
    }

    @Override
    public int pageSize() {
        return pageSize;
    }

    @Override
    public boolean readPage(long pfn, byte[] dst) throws IOException {
        PageDescriptor d;
        try {
            d = kdump.descriptor(pfn);
        } catch (DumpFormatException e) {
            return false; // descriptor table cut short: the page is not in this file
        }
        if (d == null || d.offset() == 0) {
            return false;
        }
        if (d.size() <= 0 || d.size() > pageSize) {
            throw new DumpFormatException("page " + pfn + ": descriptor size " + d.size() + " is not in 1.." + pageSize);
        }
        if (d.offset() < 0 || d.offset() + d.size() > kdump.source().size()) {
            return false; // data beyond the end of a truncated file
        }
        Compression c = d.compression();
        if (c == Compression.NONE) {
            if (d.size() != pageSize) {
                throw new DumpFormatException("page " + pfn + ": stored raw with " + d.size() + " bytes, expected " + pageSize);
            }
            readFully(d.offset(), dst, pageSize);
            return true;
        }
        readFully(d.offset(), compressed, d.size());
        codec.decompress(c, compressed, d.size(), dst, pageSize, pfn);
        return true;
    }

    private void readFully(long offset, byte[] dst, int len) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(dst, 0, len);
        while (b.hasRemaining()) {
            if (kdump.source().read(offset + b.position(), b) < 0) {
                throw new DumpFormatException("page data at offset " + offset + " runs past the end of the file");
            }
        }
    }
}
