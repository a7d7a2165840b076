package io.vmcored.protocol.dump;

import io.vmcored.protocol.vmcoreinfo.VmcoreInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The layout of a kdump-compressed file and its page index.
 *
 * <pre>
 * block 0                 disk_dump_header
 * block 1..sub_hdr_size   kdump_sub_header (+ ELF notes, VMCOREINFO)
 * next bitmap_blocks      bitmap 1 (RAM pfns) | bitmap 2 (dumped pfns), LSB first
 * then                    page_desc[popcount(bitmap 2)], in pfn order
 * then                    page data
 * </pre>
 * Bitmap 2 is held in memory with a rank index (popcount per 512 pfns) so finding a
 * pfn's descriptor costs one lookup and one short count.
 */
public final class KdumpFile {

    /** Largest bitmap half accepted: 512 MiB = 4 Gi pfns = 16 TiB of 4 KiB pages. */
    public static final long MAX_BITMAP_BYTES = 512L << 20;
    private static final int SAMPLE_CHUNKS = 16;
    private static final int SAMPLE_CHUNK = 64;

    private final DumpSource src;
    private final KdumpHeader header;
    private final KdumpSubHeader sub;
    private final long bitmapBytes;
    private final long bitmap2Offset;
    private final long descOffset;
    private final long maxMapnr;
    private long[] bitmap2;
    private long[] rank;
    private long storedPages = -1;

    private KdumpFile(DumpSource src, KdumpHeader header, KdumpSubHeader sub) throws IOException {
        this.src = src;
        this.header = header;
        this.sub = sub;
        long bs = header.blockSize();
        this.bitmapBytes = header.bitmapBlocks() * bs / 2;
        long bitmap1Offset = (1L + header.subHeaderSize()) * bs;
        this.bitmap2Offset = bitmap1Offset + bitmapBytes;
        this.descOffset = (1L + header.subHeaderSize() + header.bitmapBlocks()) * bs;
        this.maxMapnr = header.headerVersion() >= 6 && sub.maxMapnr64() > 0 ? sub.maxMapnr64() : header.maxMapnr32();
        if (bitmapBytes > MAX_BITMAP_BYTES) {
            throw new DumpFormatException(src.name() + ": kdump bitmap of " + bitmapBytes + " bytes exceeds the limit "
                    + MAX_BITMAP_BYTES + " (bitmap_blocks " + header.bitmapBlocks() + ": damaged header?)");
        }
        if (maxMapnr > bitmapBytes * 8) {
            throw new DumpFormatException(src.name() + ": kdump max_mapnr " + maxMapnr + " needs more bitmap than the "
                    + bitmapBytes + " bytes of bitmap_blocks " + header.bitmapBlocks() + " (damaged header)");
        }
    }

    public static KdumpFile open(DumpSource src) throws IOException {
        KdumpHeader h = KdumpHeader.read(src);
        return new KdumpFile(src, h, KdumpSubHeader.read(src, h));
    }

    public KdumpHeader header() {
        return header;
    }

    public KdumpSubHeader subHeader() {
        return sub;
    }

    public DumpSource source() {
        return src;
    }

    public long maxMapnr() {
        return maxMapnr;
    }

    public int pageSize() {
        return header.blockSize();
    }

    /** The VMCOREINFO text stored after the sub-header, or null when there is none. */
    public byte[] vmcoreinfo() throws IOException {
        if (sub.offsetVmcoreinfo() <= 0 || sub.sizeVmcoreinfo() <= 0) {
            return null;
        }
        if (sub.sizeVmcoreinfo() > VmcoreInfo.MAX_SIZE) {
            throw new DumpFormatException(src.name() + ": size_vmcoreinfo " + sub.sizeVmcoreinfo()
                    + " exceeds the limit " + VmcoreInfo.MAX_SIZE);
        }
        return src.readExactly(sub.offsetVmcoreinfo(), (int) sub.sizeVmcoreinfo(), "VMCOREINFO").array();
    }

    /** The ELF note section copied from /proc/vmcore, or null. */
    public ByteBuffer notes() throws IOException {
        if (sub.offsetNote() <= 0 || sub.sizeNote() <= 0) {
            return null;
        }
        if (sub.sizeNote() > ElfCore.MAX_NOTE_SIZE) {
            throw new DumpFormatException(src.name() + ": size_note " + sub.sizeNote() + " exceeds the limit "
                    + ElfCore.MAX_NOTE_SIZE);
        }
        return src.readExactly(sub.offsetNote(), (int) sub.sizeNote(), "kdump ELF note section");
    }

    /** Number of pages stored in the dump: the set bits of bitmap 2. */
    public long storedPages() throws IOException {
        loadBitmap();
        return storedPages;
    }

    /** True when bitmap 2 says {@code pfn} was dumped. */
    public boolean isDumped(long pfn) throws IOException {
        loadBitmap();
        if (pfn < 0 || pfn >= maxMapnr) {
            return false;
        }
        return (bitmap2[(int) (pfn >>> 6)] >>> (pfn & 63) & 1) != 0;
    }

    /** The descriptor of a dumped page, or null when the page is not in the dump. */
    public PageDescriptor descriptor(long pfn) throws IOException {
        if (!isDumped(pfn)) {
            return null;
        }
        int word = (int) (pfn >>> 6);
        long index = rank[word >>> 3];
        for (int w = word & ~7; w < word; w++) {
            index += Long.bitCount(bitmap2[w]);
        }
        index += Long.bitCount(bitmap2[word] & ((1L << (pfn & 63)) - 1));
        ByteBuffer d = src.readExactly(descOffset + index * PageDescriptor.SIZE, PageDescriptor.SIZE,
                "page descriptor of pfn " + pfn).order(header.order());
        return new PageDescriptor(d.getLong(0), d.getInt(8), d.getInt(12), d.getLong(16));
    }

    /**
     * What sampled descriptors say: spread across the table plus its last entries.
     *
     * @param compression the page compression seen
     * @param dataEnd     the largest offset + size of sampled page data (beyond the file = truncated)
     */
    public record Sample(Compression compression, long dataEnd) {
    }

    /** Samples page descriptors across the whole table (a few KiB of reads, whatever the dump size). */
    public Sample sample() throws IOException {
        long total = storedPages();
        if (total == 0) {
            return new Sample(Compression.UNKNOWN, 0);
        }
        Set<Compression> seen = EnumSet.noneOf(Compression.class);
        long dataEnd = 0;
        long step = Math.max(1, total / SAMPLE_CHUNKS);
        List<Long> firsts = new ArrayList<>();
        for (long first = 0; first < total; first += step) {
            firsts.add(first);
        }
        firsts.add(Math.max(0, total - SAMPLE_CHUNK));
        for (long first : firsts) {
            int n = (int) Math.min(SAMPLE_CHUNK, total - first);
            long at = descOffset + first * PageDescriptor.SIZE;
            if (at + (long) n * PageDescriptor.SIZE > src.size()) {
                throw new DumpFormatException("the page descriptor table (" + total + " entries at offset " + descOffset
                        + ") runs past the end of the file at " + src.size() + ": dump is truncated");
            }
            ByteBuffer d = src.readExactly(at, n * PageDescriptor.SIZE, "page descriptors").order(header.order());
            for (int i = 0; i < n; i++) {
                long offset = d.getLong(i * PageDescriptor.SIZE);
                if (offset != 0) {
                    seen.add(Compression.ofFlags(d.getInt(i * PageDescriptor.SIZE + 12)));
                    dataEnd = Math.max(dataEnd, offset + Integer.toUnsignedLong(d.getInt(i * PageDescriptor.SIZE + 8)));
                }
            }
        }
        return new Sample(Compression.summarize(seen), dataEnd);
    }

    private void loadBitmap() throws IOException {
        if (bitmap2 != null) {
            return;
        }
        if (bitmap2Offset + bitmapBytes > src.size()) {
            throw new DumpFormatException(src.name() + ": kdump bitmap 2 (" + bitmapBytes + " bytes at offset "
                    + bitmap2Offset + ") lies beyond the end of the file (" + src.size() + " bytes)");
        }
        long usedBytes = (maxMapnr + 7) / 8;
        long[] words = new long[(int) ((usedBytes + 7) / 8)];
        ByteBuffer buf = src.readExactly(bitmap2Offset, (int) usedBytes, "kdump bitmap 2")
                .order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < words.length; i++) {
            int at = i * 8;
            if (at + 8 <= buf.limit()) {
                words[i] = buf.getLong(at);
            } else {
                for (int j = 0; at + j < buf.limit(); j++) {
                    words[i] |= (buf.get(at + j) & 0xffL) << (8 * j);
                }
            }
        }
        if ((maxMapnr & 63) != 0 && words.length > 0) {
            words[words.length - 1] &= (1L << (maxMapnr & 63)) - 1; // bits past max_mapnr are not pages
        }
        long[] r = new long[(words.length + 7) / 8 + 1];
        long count = 0;
        for (int i = 0; i < words.length; i++) {
            if ((i & 7) == 0) {
                r[i >>> 3] = count;
            }
            count += Long.bitCount(words[i]);
        }
        bitmap2 = words;
        rank = r;
        storedPages = count;
    }
}
