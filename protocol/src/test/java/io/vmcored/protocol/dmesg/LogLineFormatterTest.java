package io.vmcored.protocol.dmesg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The makedumpfile line format, including its C signed-char escaping. */
class LogLineFormatterTest {

    private static String format(long ts, byte[] text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LogLineFormatter.format(ts, text, 0, text.length, out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void timestampIsSecondsWidthFiveAndMicroseconds() {
        assertEquals("[    5.543361] hi\n", format(5_543_361_999L, "hi".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("[123456.000001] x\n", format(123_456_000_001_000L, "x".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void newlinesIndentToThePrefixWidthAndTabsStay() {
        assertEquals("[    0.000000] a\n               b\tc\n", format(0, "a\nb\tc".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void controlAndHighBytesAreEscapedLikeASignedCharPrintf() {
        byte[] text = {'a', 0x01, 0x7f, (byte) 0xe2, (byte) 0x80, 'z'};
        assertEquals("[    1.000000] a\\x01\\x7f\\xffffffe2\\xffffff80z\n", format(1_000_000_000L, text));
    }
}
