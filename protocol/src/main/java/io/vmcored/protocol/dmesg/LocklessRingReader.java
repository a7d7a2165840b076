package io.vmcored.protocol.dmesg;

import io.vmcored.protocol.memory.KernelMemory;
import io.vmcored.protocol.memory.MissingMemoryException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads the lockless printk ring buffer (Linux 5.10+), the way makedumpfile's
 * {@code dump_lockless_dmesg} does.
 *
 * <pre>
 * *SYMBOL(prb) -> printk_ringbuffer { desc_ring, text_data_ring, ... }
 *   desc_ring:      count_bits, descs[2^count_bits] (prb_desc), infos[] (printk_info), head_id, tail_id
 *   prb_desc:       state_var (id | state << 62), text_blk_lpos { begin, next }
 *   text_data_ring: size_bits, data[2^size_bits]; a block = unsigned long id + text
 * records tail_id .. head_id (ids masked to 62 bits); a record is printed if its state is
 * committed (1) or finalized (2) and it has text. A block that wraps starts at data[0].
 * </pre>
 * Layout comes from the VMCOREINFO SIZE/OFFSET entries ({@link RingLayout}). The ring is
 * written by the dumped machine, so nothing in it is trusted: at most {@code 2^count_bits}
 * ids are visited, a descriptor whose text block the kernel could not have made
 * ({@link TextBlock}) is skipped and counted, and the ring areas are read page by page.
 */
final class LocklessRingReader {

    private static final long ID_MASK = ~(3L << 62);
    /** Largest ring accepted: the kernel's log_buf_len maximum is far below. */
    private static final int MAX_COUNT_BITS = 21;
    private static final int MAX_SIZE_BITS = 27;

    private final KernelMemory mem;
    private final RingLayout l;
    private final LogText log = new LogText("lockless");
    private RingArea descs;
    private RingArea infos;
    private RingArea data;
    private int sizeBits;
    private int lostRecords;
    private int damagedRecords;
    private String firstDamage;

    LocklessRingReader(KernelMemory mem, RingLayout layout) {
        this.mem = mem;
        this.l = layout;
    }

    KernelLogResult read(long prbSymbol) throws IOException {
        long prbAddr = mem.readLong(prbSymbol);
        ByteBuffer prb = ByteBuffer.wrap(mem.read(prbAddr, (int) l.prbSize)).order(ByteOrder.LITTLE_ENDIAN);
        long ring = l.descRing;
        int countBits = prb.getInt((int) (ring + l.countBits));
        sizeBits = prb.getInt((int) (l.textDataRing + l.sizeBits));
        if (countBits < 0 || countBits > MAX_COUNT_BITS || sizeBits < 0 || sizeBits > MAX_SIZE_BITS) {
            log.problem("printk ring has count_bits " + countBits + " / size_bits " + sizeBits + ", expected <= "
                    + MAX_COUNT_BITS + " / " + MAX_SIZE_BITS + " (damaged memory?); no record read");
            return log.result();
        }
        int count = 1 << countBits;
        if (!fits(count * l.descSize, "descriptors") || !fits(count * l.infoSize, "infos")) {
            return log.result();
        }
        descs = area(prb.getLong((int) (ring + l.descs)), count * l.descSize, "descriptors");
        infos = area(prb.getLong((int) (ring + l.infos)), count * l.infoSize, "infos");
        data = area(prb.getLong((int) (l.textDataRing + l.data)), 1L << sizeBits, "text data");
        long tail = prb.getLong((int) (ring + l.tailId + l.counter)) & ID_MASK;
        long head = prb.getLong((int) (ring + l.headId + l.counter)) & ID_MASK;
        long steps = (head - tail) & ID_MASK;
        if (steps >= count) {
            log.problem("printk ring ids tail " + tail + " / head " + head + " span more than the "
                    + count + " descriptors; reading the last " + count);
            steps = count - 1;
            tail = (head - steps) & ID_MASK;
        }
        // tail..head inclusive, as makedumpfile's loop plus its "dump head record"
        for (long i = 0, id = tail; i <= steps; i++, id = (id + 1) & ID_MASK) {
            if (!record(id, count)) {
                break;
            }
        }
        if (damagedRecords > 0) {
            log.problem(damagedRecords + " records skipped: their text block is no valid place in the "
                    + data.size() + "-byte text ring (first: " + firstDamage + ")");
        }
        if (lostRecords > 0) {
            log.problem(lostRecords + " records skipped: their text is on pages missing from the dump");
        }
        return log.result();
    }

    /** Prints record {@code id} if it is readable; false once the log is full. */
    private boolean record(long id, int count) throws IOException {
        long slot = id & (count - 1);
        long d = slot * l.descSize;
        long stateVar = descs.getLong(d + l.stateVar + l.counter);
        long state = (stateVar >>> 62) & 3;
        if ((stateVar & ID_MASK) != id || (state != 1 && state != 2)) {
            return true; // reserved, reused or stale: makedumpfile skips these too
        }
        long begin = descs.getLong(d + l.textBlkLpos + l.lposBegin);
        long next = descs.getLong(d + l.textBlkLpos + l.lposNext);
        TextBlock block = TextBlock.of(begin, next, sizeBits);
        if (block == null) {
            if (damagedRecords++ == 0) {
                firstDamage = "id " + id + ", text_blk_lpos 0x" + Long.toHexString(begin) + "..0x" + Long.toHexString(next);
            }
            return true;
        }
        if (block == TextBlock.NONE) {
            return true; // data-less record
        }
        long inf = slot * l.infoSize;
        int textLen = (int) Math.min(infos.getUnsignedShort(inf + l.textLen), block.length()); // truncated message
        if (!data.present(block.offset(), textLen)) {
            lostRecords++;
            return true;
        }
        return log.add(infos.getLong(inf + l.tsNsec), data, block.offset(), textLen);
    }

    /** Whether an area of {@code len} bytes could be real; if not, the problem is noted. */
    private boolean fits(long len, String what) {
        if (len > RingArea.MAX_SIZE) {
            log.problem("printk ring " + what + " would be " + len + " bytes, more than " + RingArea.MAX_SIZE
                    + " (damaged memory?); no record read");
            return false;
        }
        return true;
    }

    /** A ring area whose pages have been looked at once; {@link MissingMemoryException} when the dump has none. */
    private RingArea area(long vaddr, long len, String what) throws IOException {
        RingArea a = new RingArea(mem, vaddr, len, what);
        long lacking = a.scan();
        if (lacking == len) {
            throw new MissingMemoryException("printk ring " + what + " (" + len + " bytes at 0x"
                    + Long.toHexString(vaddr) + ") are not in the dump", vaddr);
        }
        if (lacking > 0) {
            log.problem(lacking + " of " + len + " bytes of the printk ring " + what + " are not in the dump;"
                    + " records there are missing or garbled");
        }
        return a;
    }
}
