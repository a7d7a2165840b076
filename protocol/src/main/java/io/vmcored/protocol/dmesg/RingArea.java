package io.vmcored.protocol.dmesg;

import io.vmcored.protocol.memory.KernelMemory;
import io.vmcored.protocol.memory.MissingMemoryException;
import java.io.IOException;
import java.util.Arrays;
import java.util.BitSet;

/**
 * One area of a kernel log ring, {@code [base, base + size)} of kernel memory, read one
 * page at a time when touched, so memory use does not depend on sizes read from the dump.
 *
 * <pre>
 * page index:   0          1          2               n-1
 *           |----[======|==========|=====...    ===]----|
 *                ^ base (any alignment)               ^ base + size
 * </pre>
 * Pages the dump lacks read as zeros and are remembered; callers ask {@link #present}
 * before trusting bytes, and check offsets with {@link #contains} before reading:
 * reading outside the area is a programming error, not a dump problem.
 */
final class RingArea {

    /** Largest area accepted: far above any real log (CONFIG_LOG_BUF_SHIFT is at most 25). */
    static final long MAX_SIZE = 1L << 27;
    private static final int PAGE = 4096;

    private final KernelMemory mem;
    private final long pageBase;
    private final int head;
    private final long size;
    private final String what;
    private final BitSet missing = new BitSet();
    private final byte[] page = new byte[PAGE];
    private long cached = -1;

    RingArea(KernelMemory mem, long base, long size, String what) {
        if (size < 0 || size > MAX_SIZE) {
            throw new IllegalArgumentException(what + " size " + size + " not in 0.." + MAX_SIZE);
        }
        this.mem = mem;
        this.pageBase = base & -PAGE;
        this.head = (int) (base & (PAGE - 1));
        this.size = size;
        this.what = what;
    }

    long size() {
        return size;
    }

    String what() {
        return what;
    }

    /** Whether {@code [off, off + len)} lies inside the area (overflow-safe). */
    boolean contains(long off, long len) {
        return off >= 0 && len >= 0 && off <= size && len <= size - off;
    }

    /** Whether every byte of {@code [off, off + len)} is on a page the dump holds. */
    boolean present(long off, long len) throws IOException {
        check(off, len);
        for (long p = (head + off) / PAGE, last = (head + off + len - 1) / PAGE; len > 0 && p <= last; p++) {
            load(p);
            if (missing.get((int) p)) {
                return false;
            }
        }
        return true;
    }

    /** The end of the readable run starting at {@code off}: {@code off + len}, or where the first missing page begins. */
    long readableEnd(long off, long len) throws IOException {
        check(off, len);
        for (long at = off; at < off + len; at = (head + at) / PAGE * PAGE + PAGE - head) {
            load((head + at) / PAGE);
            if (missing.get((int) ((head + at) / PAGE))) {
                return at;
            }
        }
        return off + len;
    }

    /** Reads every page once; returns how many bytes of the area the dump lacks. */
    long scan() throws IOException {
        long lacking = 0;
        for (long p = 0, pages = (head + size + PAGE - 1) / PAGE; p < pages; p++) {
            load(p);
            if (missing.get((int) p)) {
                lacking += Math.min((p + 1) * PAGE, head + size) - Math.max(p * PAGE, head);
            }
        }
        return lacking;
    }

    void copy(long off, byte[] dst, int dstOff, int len) throws IOException {
        check(off, len);
        for (int done = 0; done < len; ) {
            long at = head + off + done;
            load(at / PAGE);
            int n = (int) Math.min(len - done, PAGE - at % PAGE);
            System.arraycopy(page, (int) (at % PAGE), dst, dstOff + done, n);
            done += n;
        }
    }

    long getLong(long off) throws IOException {
        return le(off, 8);
    }

    int getInt(long off) throws IOException {
        return (int) le(off, 4);
    }

    int getUnsignedShort(long off) throws IOException {
        return (int) le(off, 2);
    }

    private long le(long off, int n) throws IOException {
        byte[] b = new byte[n];
        copy(off, b, 0, n);
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = v << 8 | (b[i] & 0xff);
        }
        return v;
    }

    private void check(long off, long len) {
        if (!contains(off, len)) {
            throw new IndexOutOfBoundsException(what + ": [" + off + ", +" + len + ") outside 0.." + size);
        }
    }

    /** Makes page {@code p} the cached one; only the part inside the area is read. */
    private void load(long p) throws IOException {
        if (p == cached) {
            return;
        }
        Arrays.fill(page, (byte) 0);
        long from = Math.max(p * PAGE, head);
        long to = Math.min((p + 1) * PAGE, head + size);
        try {
            mem.read(pageBase + from, page, (int) (from - p * PAGE), (int) (to - from));
        } catch (MissingMemoryException e) {
            Arrays.fill(page, (byte) 0);
            missing.set((int) p);
        }
        cached = p;
    }
}
