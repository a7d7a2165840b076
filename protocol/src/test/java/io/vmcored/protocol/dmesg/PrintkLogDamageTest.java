package io.vmcored.protocol.dmesg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * printk_log records (3.5 .. 5.9) damaged the ways a broken or hostile machine could leave
 * them. Each record is found through the len of the one before, so the log is the records
 * before the first impossible link, and a problem names that link.
 */
class PrintkLogDamageTest {

    private static final String ONE = "[    1.000000] one\n";
    private static final String TWO = "[    2.000000] two\n";
    private static final String THREE = "[    3.000000] three\n";
    private static final String FOUR = "[    4.000000] four\n";

    /** 128 bytes, wrapped: one @64, two @88, wrap marker @112, three @0, four @24, log_next_idx 48. */
    private static PrintkLogRing ring() {
        return new PrintkLogRing(128).indexes(64, 48)
                .record(64, 1_000_000_000L, "one").record(88, 2_000_000_000L, "two")
                .record(0, 3_000_000_000L, "three").record(24, 4_000_000_000L, "four");
    }

    private static void assertLog(PrintkLogRing ring, String text, String problem) throws IOException {
        KernelLogResult log = ring.extractRecords();
        assertEquals(text, log.asString(), "the records before the damage");
        assertEquals(text.lines().count(), log.records());
        assertEquals(problem == null ? List.of() : List.of(problem), log.problems());
    }

    private static String stop(int idx, String why) {
        return "printk_log records from log_first_idx 64 stop at index " + idx + " before log_next_idx 48: " + why;
    }

    @Test
    void validRing() throws IOException {
        assertLog(ring(), ONE + TWO + THREE + FOUR, null);
    }

    @Test
    void recordLength0xffff() throws IOException {
        PrintkLogRing ring = ring();
        ring.log.putShort(88 + 8, (short) 0xffff);
        assertLog(ring, ONE, stop(88, "len 65535 runs past the end of log_buf at 128"));
    }

    @Test
    void textLengthPastTheRecord() throws IOException {
        PrintkLogRing ring = ring();
        ring.log.putShort(88 + 10, (short) 200);
        assertLog(ring, ONE, stop(88, "len 24 is less than header + text_len + dict_len (16 + 200 + 0)"));
    }

    @Test
    void dictionaryLengthPastTheEnd() throws IOException {
        PrintkLogRing ring = ring();
        ring.log.putShort(0 + 12, (short) 0xff00);
        assertLog(ring, ONE + TWO, stop(0, "len 24 is less than header + text_len + dict_len (16 + 5 + 65280)"));
    }

    @Test
    void recordRunningPastLogNextIdx() throws IOException {
        PrintkLogRing ring = ring();
        ring.log.putShort(24 + 8, (short) 32);
        assertLog(ring, ONE + TWO + THREE, stop(24, "len 32 runs past log_next_idx 48"));
    }

    @Test
    void chainThatWrapsTwiceLoops() throws IOException {
        PrintkLogRing ring = ring();
        ring.log.putShort(24 + 8, (short) 0); // a second wrap marker would lead back to "three" for ever
        assertLog(ring, ONE + TWO + THREE, stop(24, "a wrap marker where the records cannot wrap"));
    }

    @Test
    void wrapMarkerInAnUnwrappedLog() throws IOException {
        PrintkLogRing ring = ring().indexes(0, 48);
        ring.log.putShort(24 + 8, (short) 0);
        assertLog(ring, THREE, "printk_log records from log_first_idx 0 stop at index 24 before log_next_idx 48:"
                + " a wrap marker where the records cannot wrap");
    }

    @Test
    void headerRunningPastTheBuffer() throws IOException {
        assertLog(ring().indexes(120, 48), "", "printk_log records from log_first_idx 120 stop at index 120 before"
                + " log_next_idx 48: its header runs past the end of the 128-byte log_buf");
    }

    @Test
    void logFirstIdxBeyondLogBufLen() throws IOException {
        assertLog(ring().indexes(0x7fffffff, 48), "", "log_first_idx 2147483647 / log_next_idx 48 lie beyond"
                + " log_buf_len 128 (damaged memory?); no record read");
    }

    @Test
    void logNextIdxBeyondLogBufLen() throws IOException {
        assertLog(ring().indexes(64, 128), "", "log_first_idx 64 / log_next_idx 128 lie beyond"
                + " log_buf_len 128 (damaged memory?); no record read");
    }

    @Test
    void logBufLenOf0x7fffffffIsNeitherReadNorAllocated() throws IOException {
        assertLog(ring().logBufLen(0x7fffffff), "", "log_buf_len 2147483647 is not in 1..134217728 (damaged memory?);"
                + " no record read");
    }

    @Test
    void chainReachingAPageMissingFromTheDump() throws IOException {
        // log_buf_len 8192 but only the first page is in the dump; one @4072 leads to 4096
        PrintkLogRing ring = new PrintkLogRing(4096).logBufLen(8192).indexes(4072, 8).record(4072, 1_000_000_000L, "one");
        KernelLogResult log = ring.extractRecords();
        assertEquals(ONE, log.asString());
        assertEquals(List.of("4096 of 8192 bytes of log_buf are not in the dump; the log stops where it meets them",
                "printk_log records from log_first_idx 4072 stop at index 4096 before log_next_idx 8: its header is on"
                        + " a page missing from the dump"), log.problems());
    }
}
