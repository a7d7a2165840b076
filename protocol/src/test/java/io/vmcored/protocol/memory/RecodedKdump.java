package io.vmcored.protocol.memory;

import io.vmcored.protocol.dump.DumpFiles;
import io.vmcored.protocol.dump.DumpSource;
import io.vmcored.protocol.dump.KdumpFile;
import io.vmcored.protocol.dump.KdumpHeader;
import io.vmcored.protocol.dump.PageDescriptor;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Rewrites a kdump-compressed file whose pages are stored raw (makedumpfile without -c/-l)
 * with its pages compressed by another program, laid out as makedumpfile writes them:
 *
 * <pre>
 * [0, descriptors)   header, sub-header with VMCOREINFO, both bitmaps: copied (status = the codec flag)
 * descriptors        one {offset, size, flags, page_flags} per dumped pfn, in pfn order
 * page data          each page compressed if that is smaller than a page, else raw (flags 0)
 * </pre>
 */
final class RecodedKdump {

    interface Compressor {
        List<byte[]> compress(List<byte[]> pages) throws Exception;
    }

    /** What was written: the dumped pfns and how many of them are stored compressed. */
    record Recoded(List<Long> pfns, int compressed) {
    }

    private RecodedKdump() {
    }

    static Recoded recode(Path raw, Path dst, int flag, Compressor compressor) throws Exception {
        try (DumpSource src = DumpFiles.open(raw)) {
            KdumpFile kdump = KdumpFile.open(src);
            KdumpHeader h = kdump.header();
            int bs = kdump.pageSize();
            long descOffset = (1L + h.subHeaderSize() + h.bitmapBlocks()) * bs;
            List<Long> pfns = new ArrayList<>();
            List<PageDescriptor> descs = new ArrayList<>();
            List<byte[]> pages = new ArrayList<>();
            for (long pfn = 0; pfn < kdump.maxMapnr(); pfn++) {
                PageDescriptor d = kdump.descriptor(pfn);
                if (d == null) {
                    continue;
                }
                if (d.flags() != 0 || d.size() != bs) {
                    throw new IllegalArgumentException(raw + ": pfn " + pfn + " is not stored raw (flags " + d.flags() + ")");
                }
                pfns.add(pfn);
                descs.add(d);
                pages.add(src.readExactly(d.offset(), bs, "page " + pfn).array());
            }
            List<byte[]> packed = compressor.compress(pages);
            ByteBuffer head = src.readExactly(0, (int) descOffset, "headers and bitmaps").order(h.order());
            head.putInt(424, flag);
            ByteBuffer table = ByteBuffer.allocate(pages.size() * PageDescriptor.SIZE).order(h.order());
            long at = descOffset + table.capacity();
            int compressed = 0;
            for (int i = 0; i < pages.size(); i++) {
                boolean smaller = packed.get(i).length < bs;
                int size = smaller ? packed.get(i).length : bs;
                table.putLong(at).putInt(size).putInt(smaller ? flag : 0).putLong(descs.get(i).pageFlags());
                at += size;
                compressed += smaller ? 1 : 0;
            }
            try (OutputStream out = Files.newOutputStream(dst)) {
                out.write(head.array(), head.arrayOffset(), (int) descOffset);
                out.write(table.array());
                for (int i = 0; i < pages.size(); i++) {
                    out.write(packed.get(i).length < bs ? packed.get(i) : pages.get(i));
                }
            }
            return new Recoded(pfns, compressed);
        }
    }
}
