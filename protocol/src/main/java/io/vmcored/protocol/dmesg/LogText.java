package io.vmcored.protocol.dmesg;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The log being written: formatted records plus what went wrong, with a ceiling on the
 * text so that a ring full of bytes printed as {@code \xffffff80} (10 output bytes per
 * input byte) cannot grow the result without bound.
 */
final class LogText {

    /** Largest formatted log kept: a real 32 MiB ring of text stays well below it. */
    static final int MAX_BYTES = 64 << 20;
    /** Largest text of one record: text_len is 16 bits in every format. */
    static final int MAX_RECORD = 0xffff;

    private final String format;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);
    private final List<String> problems = new ArrayList<>();
    private final byte[] scratch = new byte[MAX_RECORD];
    private int records;
    private boolean full;

    LogText(String format) {
        this.format = format;
    }

    /** Copies a record's text out of {@code area} and formats it; false once the ceiling is reached. */
    boolean add(long tsNanos, RingArea area, long off, int len) throws IOException {
        if (full) {
            return false;
        }
        area.copy(off, scratch, 0, len);
        LogLineFormatter.format(tsNanos, scratch, 0, len, out);
        records++;
        return !checkFull();
    }

    private boolean checkFull() {
        if (out.size() >= MAX_BYTES) {
            full = true;
            problem("the log text reached " + MAX_BYTES + " bytes; the rest of the ring is not read");
        }
        return full;
    }

    /** Appends raw text (the pre-3.5 ring, printed as it is); false once the ceiling is reached. */
    boolean addRaw(byte[] b, int off, int len) {
        if (full) {
            return false;
        }
        out.write(b, off, len);
        return !checkFull();
    }

    void problem(String sentence) {
        problems.add(sentence);
    }

    KernelLogResult result() {
        return new KernelLogResult(out.toByteArray(), records, format, List.copyOf(problems));
    }
}
