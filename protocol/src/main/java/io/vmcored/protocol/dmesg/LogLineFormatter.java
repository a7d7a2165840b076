package io.vmcored.protocol.dmesg;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Formats one kernel log record exactly like {@code makedumpfile --dump-dmesg}:
 *
 * <pre>
 * "[%5llu.%06lu] " + text + "\n"
 *   '\n' in the text        -> newline + indent to the width of the prefix
 *   printable or whitespace -> as is (C locale isprint/isspace)
 *   anything else           -> "\x%02x" of the byte as a C signed char, so bytes
 *                              0x80..0xff come out as "\xffffff80".."\xffffffff"
 * </pre>
 */
public final class LogLineFormatter {

    private LogLineFormatter() {
    }

    /** Appends the formatted record to {@code out}. */
    public static void format(long tsNanos, byte[] text, int off, int len, ByteArrayOutputStream out) {
        long secs = Long.divideUnsigned(tsNanos, 1_000_000_000L);
        long micros = Long.remainderUnsigned(tsNanos, 1_000_000_000L) / 1000;
        String prefix = String.format("[%5s.%06d] ", Long.toUnsignedString(secs), micros);
        byte[] p = prefix.getBytes(StandardCharsets.US_ASCII);
        out.write(p, 0, p.length);
        for (int i = off; i < off + len; i++) {
            int c = text[i];
            if (c == '\n') {
                out.write('\n');
                for (int k = 0; k < p.length; k++) {
                    out.write(' ');
                }
            } else if (isPrintOrSpace(c)) {
                out.write(c);
            } else {
                byte[] esc = String.format("\\x%02x", c).getBytes(StandardCharsets.US_ASCII);
                out.write(esc, 0, esc.length);
            }
        }
        out.write('\n');
    }

    /** C-locale isprint(c) || isspace(c) for a signed char value. */
    static boolean isPrintOrSpace(int c) {
        return (c >= 0x20 && c <= 0x7e) || (c >= 0x09 && c <= 0x0d);
    }
}
