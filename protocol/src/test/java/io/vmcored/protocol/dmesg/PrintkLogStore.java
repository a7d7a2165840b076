package io.vmcored.protocol.dmesg;

import java.nio.ByteBuffer;

/**
 * The kernel's {@code log_store()} of 3.5 .. 5.9 (kernel/printk/printk.c), writing records into
 * a test's buffer exactly as a kernel would: 8-byte aligned records of header + text + dict,
 * the oldest records dropped ({@code log_make_free_space}) and a zeroed header as the wrap
 * marker when a record does not fit before the end.
 */
final class PrintkLogStore {

    private static final int HEADER = 16;

    private final ByteBuffer buf;
    private final int offset;
    private final int len;
    private long firstIdx;
    private long nextIdx;
    private long firstSeq;
    private long nextSeq;

    /** Records go to {@code buf[offset, offset + len)}. */
    PrintkLogStore(ByteBuffer buf, int offset, int len) {
        this.buf = buf;
        this.offset = offset;
        this.len = len;
    }

    long firstIdx() {
        return firstIdx;
    }

    long nextIdx() {
        return nextIdx;
    }

    void store(long tsNanos, byte[] text, byte[] dict) {
        int size = (HEADER + text.length + dict.length + 7) & ~7;
        while (firstSeq < nextSeq && !hasSpace(size, false)) {
            firstIdx = next(firstIdx);
            firstSeq++;
        }
        if (!hasSpace(size, firstSeq == nextSeq)) {
            throw new IllegalArgumentException("record of " + size + " bytes does not fit a " + len + "-byte log_buf");
        }
        if (nextIdx + size + HEADER > len) {
            buf.put(offset + (int) nextIdx, new byte[HEADER]);
            nextIdx = 0;
        }
        int at = offset + (int) nextIdx;
        buf.putLong(at, tsNanos).putShort(at + 8, (short) size).putShort(at + 10, (short) text.length)
                .putShort(at + 12, (short) dict.length).put(at + 14, (byte) 0).put(at + 15, (byte) 6);
        buf.put(at + HEADER, text).put(at + HEADER + text.length, dict);
        nextIdx += size;
        nextSeq++;
    }

    private boolean hasSpace(int size, boolean empty) {
        long free = nextIdx > firstIdx || empty ? Math.max(len - nextIdx, firstIdx) : firstIdx - nextIdx;
        return free >= size + HEADER;
    }

    private long next(long idx) {
        int recLen = Short.toUnsignedInt(buf.getShort(offset + (int) idx + 8));
        return recLen == 0 ? Short.toUnsignedInt(buf.getShort(offset + 8)) : idx + recLen;
    }
}
