package io.vmcored.protocol.dmesg;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vmcored.protocol.dump.DumpFormatException;
import io.vmcored.protocol.vmcoreinfo.VmcoreInfo;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Ring situations the real fixture does not contain: a wrapped text block, reserved and
 * stale descriptors, data-less records, multi-line and non-ASCII text, ids wrapping the
 * 62-bit id space, and the pre-5.10 formats with their wrap (printk_log and log_buf).
 */
class SyntheticLogTest {

    @Test
    void locklessRingLikeMakedumpfile() throws IOException {
        LocklessRing ring = new LocklessRing().ids(4, 7);
        // id 4: finalized, block [16, 40): "a\nb" then "\xe2" and a tab
        ring.record(4, 2, 64 + 16, 64 + 40, 1_500_000_000L, "a\nb\u00e2\tz", 6);
        // id 5: reserved (being written): skipped
        ring.record(5, 0, 64 + 40, 64 + 56, 2_000_000_000L, "nope", 4);
        // id 6: committed, data-less (begin == next): skipped
        ring.record(6, 1, 64 + 56, 64 + 56, 2_100_000_000L, null, 0);
        // id 7 (head): committed, wraps from 56 to 24 of the next lap: text at 8, text_len cut to the block
        ring.record(7, 1, 64 + 56, 128 + 24, 123_456_789_012_345L, "wrapped!XXXXXXXX", 40);
        KernelLogResult log = ring.extract();
        assertEquals("[    1.500000] a\n               b\\xffffffe2\tz\n"
                + "[123456.789012] wrapped!XXXXXXXX\n", log.asString());
        assertEquals(2, log.records());
        assertEquals(List.of(), log.problems());
    }

    @Test
    void idsWrappingTheIdSpaceAreNotDamage() throws IOException {
        long max = (1L << 62) - 1;
        LocklessRing ring = new LocklessRing().ids(max - 1, 1);
        ring.record(max - 1, 0, 16, 1, "a").record(max, 16, 32, 2, "b").record(0, 32, 48, 3, "c");
        ring.record(1, 2, 48, 56, 4, "", 0); // a block of only its id: an empty line, as makedumpfile prints it
        KernelLogResult log = ring.extract();
        assertEquals("[    0.000000] a\n[    0.000000] b\n[    0.000000] c\n[    0.000000] \n", log.asString());
        assertEquals(List.of(), log.problems());
    }

    @Test
    void missingLayoutEntriesAreNamed() {
        VmcoreInfo info = VmcoreInfo.parse(LocklessRing.LAYOUT.replace("SIZE(prb_desc)=24\n", ""));
        DumpFormatException e = assertThrows(DumpFormatException.class, () -> new RingLayout(info));
        assertEquals("VMCOREINFO lacks the printk ring layout entries [SIZE(prb_desc)]", e.getMessage());
    }

    @Test
    void printkLogRecordsWithTheWrapMarker() throws IOException {
        PrintkLogRing ring = new PrintkLogRing(80).indexes(32, 24);
        // record at 32: ts 3.000001 s, len 24, text_len 7; 56: wrap marker (len 0); the next record is at 0
        ring.record(32, 3_000_001_000L, 24, "abc\u0001efg", 7, 0).record(0, 4_000_000_000L, 24, "wrapped", 7, 0);
        KernelLogResult r = ring.extractRecords();
        assertEquals("[    3.000001] abc\\x01efg\n[    4.000000] wrapped\n", r.asString());
        assertEquals("printk_log", r.format());
        assertEquals(2, r.records());
        assertEquals(List.of(), r.problems());
    }

    @Test
    void printkLogDictionaryIsNotPrinted() throws IOException {
        PrintkLogRing ring = new PrintkLogRing(128).indexes(0, 56);
        ring.record(0, 1_000_000_000L, 32, "text", 4, 9).record(32, 2_000_000_000L, "next");
        ring.log.put(20, "SUBSYSTEM".getBytes(US_ASCII));
        assertEquals("[    1.000000] text\n[    2.000000] next\n", ring.extractRecords().asString());
    }

    @Test
    void logBufTextRingBeforeItWrapsAndAfter() throws IOException {
        PrintkLogRing ring = new PrintkLogRing(16);
        ring.log.put(0, "0123456789abcdef".getBytes(US_ASCII));
        KernelLogResult r = ring.logEnd(5).extract(PrintkLogRing.textInfo());
        assertEquals("01234", r.asString());
        assertEquals("log_buf", r.format());
        // log_end counts every character ever written: 16 * 7 + 5 is 5 into the eighth lap
        assertEquals("56789abcdef01234", ring.logEnd(16 * 7 + 5).extract(PrintkLogRing.textInfo()).asString());
        assertEquals(List.of(), r.problems());
    }
}
