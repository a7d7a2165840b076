package io.vmcored.protocol.dmesg;

import io.vmcored.protocol.dump.DumpFormatException;
import io.vmcored.protocol.memory.KernelMemory;
import io.vmcored.protocol.memory.MissingMemoryException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

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
 * Layout comes from the VMCOREINFO SIZE/OFFSET entries ({@link RingLayout}).
 */
final class LocklessRingReader {

    private static final long ID_MASK = ~(3L << 62);
    /** Largest ring accepted: the kernel's log_buf_len maximum is far below. */
    private static final int MAX_COUNT_BITS = 21;
    private static final int MAX_SIZE_BITS = 27;

    private final KernelMemory mem;
    private final RingLayout l;
    private final List<String> problems = new ArrayList<>();
    /** Bytes of the text ring whose pages are not in the dump. */
    private BitSet dataMissing = new BitSet();
    private BitSet lastMissing;
    private int lostRecords;

    LocklessRingReader(KernelMemory mem, RingLayout layout) {
        this.mem = mem;
        this.l = layout;
    }

    KernelLogResult read(long prbSymbol) throws IOException {
        long prbAddr = mem.readLong(prbSymbol);
        ByteBuffer prb = le(mem.read(prbAddr, (int) l.prbSize));
        long ring = l.descRing;
        int countBits = prb.getInt((int) (ring + l.countBits));
        int sizeBits = prb.getInt((int) (l.textDataRing + l.sizeBits));
        if (countBits < 0 || countBits > MAX_COUNT_BITS || sizeBits < 0 || sizeBits > MAX_SIZE_BITS) {
            throw new DumpFormatException("printk ring has count_bits " + countBits + " / size_bits " + sizeBits
                    + ", expected <= " + MAX_COUNT_BITS + " / " + MAX_SIZE_BITS + " (damaged memory?)");
        }
        int count = 1 << countBits;
        long dataSize = 1L << sizeBits;
        ByteBuffer descs = le(readPartly(prb.getLong((int) (ring + l.descs)), count * (int) l.descSize, "descriptors"));
        ByteBuffer infos = le(readPartly(prb.getLong((int) (ring + l.infos)), count * (int) l.infoSize, "infos"));
        byte[] data = readPartly(prb.getLong((int) (l.textDataRing + l.data)), (int) dataSize, "text data");
        dataMissing = lastMissing;
        long tail = prb.getLong((int) (ring + l.tailId + l.counter)) & ID_MASK;
        long head = prb.getLong((int) (ring + l.headId + l.counter)) & ID_MASK;

        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + data.length / 4);
        int records = 0;
        long steps = (head - tail) & ID_MASK;
        if (steps >= count) {
            problems.add("printk ring ids tail " + tail + " / head " + head + " span more than the "
                    + count + " descriptors; reading the last " + count);
            steps = count - 1;
            tail = (head - steps) & ID_MASK;
        }
        // tail..head inclusive, as makedumpfile's loop plus its "dump head record"
        for (long i = 0, id = tail; i <= steps; i++, id = (id + 1) & ID_MASK) {
            if (record(descs, infos, data, count, dataSize, id, out)) {
                records++;
            }
        }
        if (lostRecords > 0) {
            problems.add(lostRecords + " records skipped: their text is on pages missing from the dump");
        }
        return new KernelLogResult(out.toByteArray(), records, "lockless", List.copyOf(problems));
    }

    private boolean record(ByteBuffer descs, ByteBuffer infos, byte[] data, int count, long dataSize, long id,
                           ByteArrayOutputStream out) {
        int slot = (int) Long.remainderUnsigned(id, count);
        int d = slot * (int) l.descSize;
        long stateVar = descs.getLong((int) (d + l.stateVar + l.counter));
        long state = (stateVar >>> 62) & 3;
        if ((stateVar & ID_MASK) != id || (state != 1 && state != 2)) {
            return false;
        }
        long begin = Long.remainderUnsigned(descs.getLong((int) (d + l.textBlkLpos + l.lposBegin)), dataSize);
        long next = Long.remainderUnsigned(descs.getLong((int) (d + l.textBlkLpos + l.lposNext)), dataSize);
        if (begin == next) {
            return false; // data-less record
        }
        int inf = slot * (int) l.infoSize;
        int textLen = Short.toUnsignedInt(infos.getShort((int) (inf + l.textLen)));
        if (begin > next) {
            begin = 0; // the block wrapped: its text is at the start of the ring
        }
        begin += 8; // skip the block's id
        if (next - begin < textLen) {
            textLen = (int) Math.max(0, next - begin); // truncated message
        }
        textLen = (int) Math.max(0, Math.min(textLen, dataSize - begin));
        int missing = dataMissing.nextSetBit((int) begin);
        if (missing >= 0 && missing < begin + textLen) {
            lostRecords++;
            return false;
        }
        long ts = infos.getLong((int) (inf + l.tsNsec));
        LogLineFormatter.format(ts, data, (int) begin, textLen, out);
        return true;
    }

    /** Reads a ring area; pages missing from the dump read as zeros and are reported. */
    private byte[] readPartly(long vaddr, int len, String what) throws IOException {
        byte[] b = new byte[len];
        int missing = 0;
        lastMissing = new BitSet();
        for (int done = 0; done < len; ) {
            int n = (int) Math.min(len - done, 4096 - Long.remainderUnsigned(vaddr + done, 4096));
            try {
                mem.read(vaddr + done, b, done, n);
            } catch (MissingMemoryException e) {
                missing += n;
                lastMissing.set(done, done + n);
            }
            done += n;
        }
        if (missing == len) {
            throw new MissingMemoryException("printk ring " + what + " (" + len + " bytes at 0x"
                    + Long.toHexString(vaddr) + ") are not in the dump", vaddr);
        }
        if (missing > 0) {
            problems.add(missing + " of " + len + " bytes of the printk ring " + what + " are not in the dump;"
                    + " records there are missing or garbled");
        }
        return b;
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }
}
