package io.vmcored.protocol.dmesg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vmcored.protocol.vmcoreinfo.VmcoreInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Ring situations the real fixture does not contain: a wrapped text block, reserved and
 * stale descriptors, data-less records, multi-line and non-ASCII text, and the pre-5.10
 * printk_log format with its wrap marker.
 */
class SyntheticLogTest {

    /** The 6.1 x86_64 layout, as the fixture kernel exports it. */
    private static final String LOCKLESS_LAYOUT = """
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
    private static final long PRB = 0xffffffff81000000L;
    private static final long RB = PRB + 0x1000;
    private static final long DESCS = PRB + 0x2000;
    private static final long INFOS = PRB + 0x3000;
    private static final long DATA = PRB + 0x4000;

    private static void record(ByteBuffer descs, ByteBuffer infos, ByteBuffer data, long id, long state,
                               long begin, long next, long tsNanos, String text, int textLen) {
        int slot = (int) (id % 4);
        descs.putLong(slot * 24, id | state << 62).putLong(slot * 24 + 8, begin).putLong(slot * 24 + 16, next);
        infos.putLong(slot * 88 + 8, tsNanos).putShort(slot * 88 + 16, (short) textLen);
        if (text != null) {
            int at = (int) ((begin % 64 > next % 64 ? 0 : begin % 64));
            data.putLong(at, id);
            byte[] t = text.getBytes(StandardCharsets.ISO_8859_1);
            data.put(at + 8, t);
        }
    }

    @Test
    void locklessRingLikeMakedumpfile() throws IOException {
        FakeKernelMemory mem = new FakeKernelMemory();
        mem.region(PRB, 8).putLong(0, RB);
        ByteBuffer rb = mem.region(RB, 88);
        ByteBuffer descs = mem.region(DESCS, 4 * 24);
        ByteBuffer infos = mem.region(INFOS, 4 * 88);
        ByteBuffer data = mem.region(DATA, 64);
        rb.putInt(0, 2).putLong(8, DESCS).putLong(16, INFOS).putLong(24, 7 + (1L << 62)).putLong(32, 4);
        rb.putInt(48, 6).putLong(56, DATA);
        // id 4: finalized, block [16, 40): "a\nb" then "\xe2" and a tab
        record(descs, infos, data, 4, 2, 64 + 16, 64 + 40, 1_500_000_000L, "a\nb\u00e2\tz", 6);
        // id 5: reserved (being written): skipped
        record(descs, infos, data, 5, 0, 64 + 40, 64 + 56, 2_000_000_000L, "nope", 4);
        // id 6: committed, data-less (begin == next): skipped
        record(descs, infos, data, 6, 1, 64 + 56, 64 + 56, 2_100_000_000L, null, 0);
        // id 7 (head): committed, wraps from 56 to 24 of the next lap: text at 8, text_len cut to the block
        record(descs, infos, data, 7, 1, 64 + 56, 128 + 24, 123_456_789_012_345L, "wrapped!XXXXXXXX", 40);
        VmcoreInfo info = VmcoreInfo.parse(LOCKLESS_LAYOUT + "SYMBOL(prb)=" + Long.toHexString(PRB) + "\n");
        KernelLogResult log = new LocklessRingReader(mem, new RingLayout(info)).read(PRB);
        assertEquals("[    1.500000] a\n               b\\xffffffe2\tz\n"
                + "[123456.789012] wrapped!XXXXXXXX\n", log.asString());
        assertEquals(2, log.records());
        assertEquals(List.of(), log.problems());
    }

    @Test
    void missingLayoutEntriesAreNamed() {
        VmcoreInfo info = VmcoreInfo.parse(LOCKLESS_LAYOUT.replace("SIZE(prb_desc)=24\n", ""));
        var e = org.junit.jupiter.api.Assertions.assertThrows(io.vmcored.protocol.dump.DumpFormatException.class,
                () -> new RingLayout(info));
        assertEquals("VMCOREINFO lacks the printk ring layout entries [SIZE(prb_desc)]", e.getMessage());
    }

    @Test
    void printkLogRecordsWithTheWrapMarker() throws IOException {
        long buf = 0xffff888000100000L;
        FakeKernelMemory mem = new FakeKernelMemory();
        mem.region(0xffffffff82000000L, 8).putLong(0, buf);          // char *log_buf
        mem.region(0xffffffff82000010L, 4).putInt(0, 80);            // u32 log_buf_len
        mem.region(0xffffffff82000020L, 4).putInt(0, 32);            // u32 log_first_idx
        mem.region(0xffffffff82000030L, 4).putInt(0, 24);            // u32 log_next_idx
        ByteBuffer log = mem.region(buf, 80);
        // record at 32: ts 3.000001 s, len 24, text_len 7
        log.putLong(32, 3_000_001_000L).putShort(40, (short) 24).putShort(42, (short) 7).put(48, "abc\u0001efg".getBytes(
                StandardCharsets.ISO_8859_1));
        // 56: wrap marker (len 0); the next record is at 0
        log.putLong(0, 4_000_000_000L).putShort(8, (short) 24).putShort(10, (short) 7).put(16, "wrapped".getBytes(
                StandardCharsets.ISO_8859_1));
        VmcoreInfo info = VmcoreInfo.parse("""
                SYMBOL(log_buf)=ffffffff82000000
                SYMBOL(log_buf_len)=ffffffff82000010
                SYMBOL(log_first_idx)=ffffffff82000020
                SYMBOL(log_next_idx)=ffffffff82000030
                SIZE(printk_log)=16
                OFFSET(printk_log.ts_nsec)=0
                OFFSET(printk_log.len)=8
                OFFSET(printk_log.text_len)=10
                """);
        KernelLogResult r = new PrintkLogReader(mem, info).read();
        assertEquals("[    3.000001] abc\\x01efg\n[    4.000000] wrapped\n", r.asString());
        assertEquals("printk_log", r.format());
        assertEquals(List.of(), r.problems());
    }
}
