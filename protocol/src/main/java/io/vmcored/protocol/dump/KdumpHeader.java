package io.vmcored.protocol.dump;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * {@code struct disk_dump_header} of a kdump-compressed file (offset 0, x86_64 layout).
 *
 * <pre>
 *   0 signature "KDUMP   " | "DISKDUMP"  8 header_version  12 utsname 6 x char[65]
 * 408 timestamp sec,usec  424 status  428 block_size  432 sub_hdr_size  436 bitmap_blocks
 * 440 max_mapnr  444 total_ram_blocks  448 device_blocks  452 written_blocks
 * 456 current_cpu  460 nr_cpus
 * </pre>
 * Integers are in the dumped machine's byte order (guessed from header_version).
 */
public record KdumpHeader(String signature, int headerVersion, String sysname, String nodename,
                          String release, String version, String machine, String domainname,
                          long timestampSec, long timestampUsec, int status, int blockSize,
                          int subHeaderSize, long bitmapBlocks, long maxMapnr32, int nrCpus,
                          ByteOrder order) {

    public static final int SIZE = 464;
    public static final int STATUS_ZLIB = 0x1;
    public static final int STATUS_LZO = 0x2;
    public static final int STATUS_SNAPPY = 0x4;
    public static final int STATUS_INCOMPLETE = 0x8;
    public static final int STATUS_ZSTD = 0x20;
    /** Largest block (page) size accepted: 1 MiB covers every architecture's pages. */
    public static final int MAX_BLOCK_SIZE = 1 << 20;
    private static final int UTS_LEN = 65;

    public static boolean hasSignature(ByteBuffer head) {
        return startsWith(head, "KDUMP   ") || startsWith(head, "DISKDUMP");
    }

    public static KdumpHeader read(DumpSource src) throws IOException {
        ByteBuffer b = src.readExactly(0, SIZE, "kdump disk_dump_header");
        if (!hasSignature(b)) {
            throw new DumpFormatException(src.name() + ": not a kdump-compressed file (signature is not \"KDUMP   \")");
        }
        int le = b.duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt(8);
        ByteOrder order = le > 0 && le < 0x10000 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        b.order(order);
        String[] uts = new String[6];
        for (int i = 0; i < 6; i++) {
            uts[i] = cString(b, 12 + i * UTS_LEN, UTS_LEN);
        }
        KdumpHeader h = new KdumpHeader(cString(b, 0, 8), b.getInt(8), uts[0], uts[1], uts[2], uts[3], uts[4],
                uts[5], b.getLong(408), b.getLong(416), b.getInt(424), b.getInt(428), b.getInt(432),
                Integer.toUnsignedLong(b.getInt(436)), Integer.toUnsignedLong(b.getInt(440)), b.getInt(460), order);
        h.validate(src);
        return h;
    }

    private void validate(DumpSource src) throws DumpFormatException {
        if (blockSize < 512 || blockSize > MAX_BLOCK_SIZE || Integer.bitCount(blockSize) != 1) {
            throw new DumpFormatException(src.name() + ": kdump block_size " + blockSize
                    + " is not a power of two between 512 and " + MAX_BLOCK_SIZE + " (damaged header)");
        }
        if (subHeaderSize < 0 || subHeaderSize > 1 << 16) {
            throw new DumpFormatException(src.name() + ": kdump sub_hdr_size " + subHeaderSize
                    + " blocks is out of range 0.." + (1 << 16) + " (damaged header)");
        }
        if (headerVersion < 1 || headerVersion > 100) {
            throw new DumpFormatException(src.name() + ": kdump header_version " + headerVersion
                    + " is not in 1..100 (damaged header)");
        }
    }

    public boolean incomplete() {
        return (status & STATUS_INCOMPLETE) != 0;
    }

    static String cString(ByteBuffer b, int at, int max) {
        int n = 0;
        while (n < max && b.get(at + n) != 0) {
            n++;
        }
        byte[] bytes = new byte[n];
        b.get(at, bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static boolean startsWith(ByteBuffer b, String s) {
        if (b.limit() < s.length()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (b.get(i) != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
