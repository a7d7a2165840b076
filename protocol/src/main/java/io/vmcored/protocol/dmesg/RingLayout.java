package io.vmcored.protocol.dmesg;

import io.vmcored.protocol.dump.DumpFormatException;
import io.vmcored.protocol.vmcoreinfo.VmcoreInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/** Sizes and member offsets of the lockless printk ring, from VMCOREINFO (5.10+ kernels export them all). */
final class RingLayout {

    /** Largest structure size accepted from VMCOREINFO. */
    private static final long MAX_STRUCT = 4096;

    final long prbSize;
    final long descRing;
    final long textDataRing;
    final long countBits;
    final long descs;
    final long infos;
    final long headId;
    final long tailId;
    final long descSize;
    final long stateVar;
    final long textBlkLpos;
    final long lposBegin;
    final long lposNext;
    final long sizeBits;
    final long data;
    final long infoSize;
    final long tsNsec;
    final long textLen;
    final long counter;

    private final List<String> missing = new ArrayList<>();
    private final VmcoreInfo info;

    RingLayout(VmcoreInfo info) throws DumpFormatException {
        this.info = info;
        prbSize = size("printk_ringbuffer");
        descRing = offset("printk_ringbuffer.desc_ring");
        textDataRing = offset("printk_ringbuffer.text_data_ring");
        countBits = offset("prb_desc_ring.count_bits");
        descs = offset("prb_desc_ring.descs");
        infos = offset("prb_desc_ring.infos");
        headId = offset("prb_desc_ring.head_id");
        tailId = offset("prb_desc_ring.tail_id");
        descSize = size("prb_desc");
        stateVar = offset("prb_desc.state_var");
        textBlkLpos = offset("prb_desc.text_blk_lpos");
        lposBegin = offset("prb_data_blk_lpos.begin");
        lposNext = offset("prb_data_blk_lpos.next");
        sizeBits = offset("prb_data_ring.size_bits");
        data = offset("prb_data_ring.data");
        infoSize = size("printk_info");
        tsNsec = offset("printk_info.ts_nsec");
        textLen = offset("printk_info.text_len");
        counter = offset("atomic_long_t.counter");
        if (!missing.isEmpty()) {
            throw new DumpFormatException("VMCOREINFO lacks the printk ring layout entries " + missing);
        }
        boolean inside = fits(descRing + countBits, 4, prbSize) && fits(descRing + descs, 8, prbSize)
                && fits(descRing + infos, 8, prbSize) && fits(descRing + headId + counter, 8, prbSize)
                && fits(descRing + tailId + counter, 8, prbSize) && fits(textDataRing + sizeBits, 4, prbSize)
                && fits(textDataRing + data, 8, prbSize) && fits(stateVar + counter, 8, descSize)
                && fits(textBlkLpos + lposBegin, 8, descSize) && fits(textBlkLpos + lposNext, 8, descSize)
                && fits(tsNsec, 8, infoSize) && fits(textLen, 2, infoSize);
        if (!inside) {
            throw new DumpFormatException("VMCOREINFO printk ring offsets do not fit the structure sizes"
                    + " (printk_ringbuffer " + prbSize + ", prb_desc " + descSize + ", printk_info " + infoSize + ")");
        }
    }

    private static boolean fits(long offset, int width, long size) {
        return offset + width <= size;
    }

    private long size(String type) {
        return check("SIZE(" + type + ")", info.size(type), 1);
    }

    private long offset(String member) {
        return check("OFFSET(" + member + ")", info.offset(member), 0);
    }

    private long check(String key, OptionalLong v, long min) {
        if (v.isEmpty() || v.getAsLong() < min || v.getAsLong() > MAX_STRUCT) {
            missing.add(key);
            return 0;
        }
        return v.getAsLong();
    }
}
