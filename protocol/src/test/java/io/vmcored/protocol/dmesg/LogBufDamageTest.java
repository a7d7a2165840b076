package io.vmcored.protocol.dmesg;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The plain text ring of kernels before 3.5 with impossible sizes and missing pages. */
class LogBufDamageTest {

    private static KernelLogResult read(PrintkLogRing ring) throws IOException {
        return ring.extract(PrintkLogRing.textInfo());
    }

    @Test
    void lengthThatIsNoPowerOfTwo() throws IOException {
        PrintkLogRing ring = new PrintkLogRing(100).logEnd(300);
        KernelLogResult log = read(ring);
        assertEquals("", log.asString());
        assertEquals(List.of("log_buf_len 100 is not a power of two (damaged memory?); the text ring is not read"),
                log.problems());
    }

    @Test
    void zeroLength() throws IOException {
        KernelLogResult log = read(new PrintkLogRing(64).logBufLen(0).logEnd(10));
        assertEquals("", log.asString());
        assertEquals(List.of("log_buf_len 0 is not in 1..134217728 (damaged memory?); no record read"), log.problems());
    }

    @Test
    void hugeLogEndOnlyWraps() throws IOException {
        PrintkLogRing ring = new PrintkLogRing(16).logEnd(0xfffffff3L);
        ring.log.put(0, "0123456789abcdef".getBytes(US_ASCII));
        KernelLogResult log = read(ring);
        assertEquals("3456789abcdef012", log.asString(), "log_end 0xfffffff3 starts the oldest text at 3");
        assertEquals(List.of(), log.problems());
    }

    @Test
    void textStopsAtThePageTheDumpLacks() throws IOException {
        // 8192-byte ring, only its first page in the dump, written 5000 characters
        PrintkLogRing ring = new PrintkLogRing(4096).logBufLen(8192).logEnd(5000);
        ring.log.put(0, "early text".getBytes(US_ASCII));
        KernelLogResult log = read(ring);
        assertEquals(4096, log.text().length, "the first page");
        assertEquals("early text", log.asString().substring(0, 10));
        assertEquals(List.of("4096 of 8192 bytes of log_buf are not in the dump; the log stops where it meets them",
                "the log_buf text stops at offset 4096: its page is not in the dump"), log.problems());
    }
}
