package io.vmcored.protocol.dmesg;

import io.vmcored.protocol.memory.DumpMemory;
import io.vmcored.protocol.vmcoreinfo.VmcoreInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A lockless printk ring (5.10+) built in {@link FakeKernelMemory} with the 6.1 x86_64 layout:
 * 4 descriptors (count_bits 2) and a text ring of {@code 2^sizeBits} bytes (64 by default).
 * Tests write records, damage what they like, and read it back through {@link KernelLog}.
 */
public final class LocklessRing {

    /** The 6.1 x86_64 layout, as the fixture kernel exports it. */
    public static final String LAYOUT = """
            SIZE(printk_ringbuffer)=88
            OFFSET(printk_ringbuffer.desc_ring)=0
            OFFSET(printk_ringbuffer.text_data_ring)=48
            OFFSET(prb_desc_ring.count_bits)=0
            OFFSET(prb_desc_ring.descs)=8
            OFFSET(prb_desc_ring.infos)=16
            OFFSET(prb_desc_ring.head_id)=24
            OFFSET(prb_desc_ring.tail_id)=32
            SIZE(prb_desc)=24
            OFFSET(prb_desc.state_var)=0
            OFFSET(prb_desc.text_blk_lpos)=8
            OFFSET(prb_data_blk_lpos.begin)=0
            OFFSET(prb_data_blk_lpos.next)=8
            OFFSET(prb_data_ring.size_bits)=0
            OFFSET(prb_data_ring.data)=8
            SIZE(printk_info)=88
            OFFSET(printk_info.ts_nsec)=8
            OFFSET(printk_info.text_len)=16
            OFFSET(atomic_long_t.counter)=0
            """;
    static final long PRB = 0xffffffff81000000L;
    static final long RB = PRB + 0x1000;
    static final long DESCS = PRB + 0x2000;
    static final long INFOS = PRB + 0x3000;
    static final long DATA = PRB + 0x4000;
    static final int COUNT = 4;

    final FakeKernelMemory mem = new FakeKernelMemory();
    /** struct printk_ringbuffer: count_bits @0, descs @8, infos @16, head_id @24, tail_id @32, size_bits @48, data @56. */
    final ByteBuffer rb;
    final ByteBuffer descs;
    final ByteBuffer infos;
    final ByteBuffer data;
    final int dataSize;

    LocklessRing() {
        this(6);
    }

    LocklessRing(int sizeBits) {
        dataSize = 1 << sizeBits;
        mem.region(PRB, 8).putLong(0, RB);
        rb = mem.region(RB, 88);
        descs = mem.region(DESCS, COUNT * 24);
        infos = mem.region(INFOS, COUNT * 88);
        data = mem.region(DATA, dataSize);
        rb.putInt(0, 2).putLong(8, DESCS).putLong(16, INFOS).putInt(48, sizeBits).putLong(56, DATA);
    }

    /** Sets tail_id and head_id (the state bits of head are set as the kernel leaves them). */
    LocklessRing ids(long tail, long head) {
        rb.putLong(24, head | 1L << 62).putLong(32, tail);
        return this;
    }

    /**
     * Writes descriptor and info of record {@code id} and, if {@code text} is given, the block id and
     * text where the text block [begin, next) puts them (data[0] for a block that wraps).
     */
    LocklessRing record(long id, long state, long begin, long next, long tsNanos, String text, int textLen) {
        int slot = (int) (id % COUNT);
        descs.putLong(slot * 24, id | state << 62).putLong(slot * 24 + 8, begin).putLong(slot * 24 + 16, next);
        infos.putLong(slot * 88 + 8, tsNanos).putShort(slot * 88 + 16, (short) textLen);
        if (text != null) {
            int at = (int) Long.remainderUnsigned(begin, dataSize) > Long.remainderUnsigned(next, dataSize) ? 0
                    : (int) Long.remainderUnsigned(begin, dataSize);
            data.putLong(at, id);
            data.put(at + 8, text.getBytes(StandardCharsets.ISO_8859_1));
        }
        return this;
    }

    /** A finalized record with its whole text in the block. */
    LocklessRing record(long id, long begin, long next, long tsNanos, String text) {
        return record(id, 2, begin, next, tsNanos, text, text.length());
    }

    VmcoreInfo vmcoreinfo() {
        return VmcoreInfo.parse(LAYOUT + "SYMBOL(prb)=" + Long.toHexString(PRB) + "\n");
    }

    /** The log through the public entry point, as a dump would give it. */
    KernelLogResult extract() throws IOException {
        return KernelLog.extract(new DumpMemory(mem, vmcoreinfo()));
    }
}
