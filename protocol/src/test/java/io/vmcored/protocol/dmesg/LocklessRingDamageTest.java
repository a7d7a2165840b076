package io.vmcored.protocol.dmesg;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A lockless ring damaged the ways a broken or hostile machine could leave it. Records are
 * independent there (the kernel's own reader skips one it cannot read and goes on), so a
 * damaged descriptor costs its own record only: the log is every valid record, in order,
 * and a problem names the first damaged one.
 */
class LocklessRingDamageTest {

    private static final String VALID = "[    1.000000] one\n[    3.000000] three\n[    4.000000] four\n";

    /**
     * A 128-byte text ring, ids 4..7 in its second lap: 4 at [144, 160), 6 at [176, 192), 7 at
     * [192, 208); id 5 is written by each test (its own place would be [160, 176)).
     */
    private static LocklessRing ringWith5(long begin, long next, int textLen) {
        return new LocklessRing(7).ids(4, 7)
                .record(4, 144, 160, 1_000_000_000L, "one")
                .record(5, 2, begin, next, 2_000_000_000L, null, textLen)
                .record(6, 176, 192, 3_000_000_000L, "three")
                .record(7, 192, 208, 4_000_000_000L, "four");
    }

    /** Id 5 data-less (FAILED_LPOS): skipped without a problem, as makedumpfile does. */
    private static LocklessRing validRing() {
        return ringWith5(1, 1, 0);
    }

    private static void assertDamaged5(LocklessRing ring, String lpos) throws IOException {
        KernelLogResult log = ring.extract();
        assertEquals(VALID, log.asString(), "the valid records, the damaged one left out");
        assertEquals(3, log.records());
        assertEquals(List.of("1 records skipped: their text block is no valid place in the 128-byte text ring (first: id 5,"
                + " text_blk_lpos " + lpos + ")"), log.problems());
    }

    @Test
    void validRingReadsAllButTheDatalessRecord() throws IOException {
        KernelLogResult log = validRing().extract();
        assertEquals(VALID, log.asString());
        assertEquals(List.of(), log.problems());
    }

    @Test
    void textBlockSpanningMoreThanTheRing() throws IOException {
        assertDamaged5(ringWith5(160, 160 + 3 * 128 + 8, 5), "0xa0..0x228");
    }

    @Test
    void textBlockEndingALapBeforeItBegins() throws IOException {
        assertDamaged5(ringWith5(160 + 128, 176, 5), "0x120..0xb0");
    }

    @Test
    void textBlockAtHugeUnalignedPositions() throws IOException {
        assertDamaged5(ringWith5(0x7fffffffL, 0x7fffffffL + 17, 5), "0x7fffffff..0x80000010");
    }

    @Test
    void wrappingTextBlockShorterThanItsId() throws IOException {
        // ends exactly at the lap boundary, so in the next lap it has no room even for its id
        assertDamaged5(ringWith5(160, 256, 5), "0xa0..0x100");
    }

    @Test
    void textBlockWrappingTheTopOfTheLposSpaceIsLegal() throws IOException {
        // begin in the last lap of the 64-bit lpos space, next just past the overflow: one lap apart
        LocklessRing ring = ringWith5(-16, 16, 5);
        ring.data.putLong(0, 5).put(8, "two!!".getBytes(US_ASCII));
        KernelLogResult log = ring.extract();
        assertEquals("[    1.000000] one\n[    2.000000] two!!\n[    3.000000] three\n[    4.000000] four\n",
                log.asString());
        assertEquals(List.of(), log.problems());
    }

    @Test
    void textLengthOf0xffffIsCutToItsBlock() throws IOException {
        LocklessRing ring = ringWith5(160, 176, 0xffff);
        ring.data.putLong(32, 5).put(40, "twotwo!!".getBytes(US_ASCII));
        KernelLogResult log = ring.extract();
        assertEquals("[    1.000000] one\n[    2.000000] twotwo!!\n[    3.000000] three\n[    4.000000] four\n",
                log.asString(), "a message longer than its block is a truncated message, as the kernel stores them");
        assertEquals(List.of(), log.problems());
    }

    @Test
    void tailAheadOfHeadReadsOnlyTheLastRingful() throws IOException {
        KernelLogResult log = validRing().ids(8, 7).extract();
        assertEquals(VALID, log.asString(), "ids 4..7 once, not 2^62 steps");
        assertEquals(List.of("printk ring ids tail 8 / head 7 span more than the 4 descriptors; reading the last 4"),
                log.problems());
    }

    @Test
    void countBitsBeyondAnyRealRingReadsNothing() throws IOException {
        LocklessRing ring = validRing();
        ring.rb.putInt(0, 40);
        KernelLogResult log = ring.extract();
        assertEquals("", log.asString());
        assertEquals(List.of("printk ring has count_bits 40 / size_bits 7, expected <= 21 / 27 (damaged memory?);"
                + " no record read"), log.problems());
    }

    @Test
    void negativeSizeBitsReadsNothing() throws IOException {
        LocklessRing ring = validRing();
        ring.rb.putInt(48, 0x80000007);
        KernelLogResult log = ring.extract();
        assertEquals("", log.asString());
        assertEquals(List.of("printk ring has count_bits 2 / size_bits -2147483641, expected <= 21 / 27 (damaged memory?);"
                + " no record read"), log.problems());
    }

    @Test
    void infoAreaLargerThanAnyRealRingIsNeitherReadNorAllocated() throws IOException {
        LocklessRing ring = validRing();
        ring.rb.putInt(0, 21); // 2^21 x 88-byte printk_info = 176 MiB
        KernelLogResult log = ring.extract();
        assertEquals("", log.asString());
        assertEquals(List.of("printk ring infos would be 184549376 bytes, more than 134217728 (damaged memory?);"
                + " no record read"), log.problems());
    }
}
