package io.vmcored.protocol.dmesg;

/**
 * Where a lockless-ring record's text lies, by the rules of the kernel's own reader
 * ({@code get_data()} in kernel/printk/printk_ringbuffer.c).
 *
 * <pre>
 * lpos = logical position: wrap = lpos >> size_bits, index = lpos & (size - 1)
 * regular block:  same wrap, begin &lt; next       data[index(begin) .. index(next))
 * wrapping block: wrap(begin) + 1 == wrap(next)  data[0 .. index(next))
 * both 8-byte aligned, at least the 8-byte block id; the text follows the id
 * </pre>
 * Anything else cannot come from the kernel: the descriptor is damaged.
 *
 * @param offset text offset in the data ring
 * @param length bytes of text the block holds (text_len is cut to this)
 */
record TextBlock(long offset, long length) {

    private static final int ID_SIZE = 8;

    /** The text of a data-less record (begin and next equal in the ring, as makedumpfile skips them). */
    static final TextBlock NONE = new TextBlock(0, 0);

    /** The block of {@code [begin, next)} in a ring of {@code 2^sizeBits} bytes, or null when illegal. */
    static TextBlock of(long begin, long next, int sizeBits) {
        long size = 1L << sizeBits;
        long mask = size - 1;
        if ((begin & mask) == (next & mask)) {
            return NONE;
        }
        long offset;
        long blockSize;
        if (begin >>> sizeBits == next >>> sizeBits && Long.compareUnsigned(begin, next) < 0) {
            offset = begin & mask;
            blockSize = next - begin;
        } else if ((begin + size) >>> sizeBits == next >>> sizeBits) {
            offset = 0;
            blockSize = next & mask;
        } else {
            return null;
        }
        if ((begin & (ID_SIZE - 1)) != 0 || (next & (ID_SIZE - 1)) != 0 || blockSize < ID_SIZE) {
            return null;
        }
        return new TextBlock(offset + ID_SIZE, blockSize - ID_SIZE);
    }
}
