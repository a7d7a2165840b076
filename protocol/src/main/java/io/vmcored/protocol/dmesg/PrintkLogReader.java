package io.vmcored.protocol.dmesg;

import io.vmcored.protocol.dump.DumpFormatException;
import io.vmcored.protocol.memory.KernelMemory;
import io.vmcored.protocol.vmcoreinfo.VmcoreInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the kernel log of kernels before 5.10, like makedumpfile's {@code dump_dmesg}.
 *
 * <pre>
 * 3.5 .. 5.9 (variable-length records, struct printk_log, called "log" before 3.11):
 *   *SYMBOL(log_buf) -> buffer of log_buf_len bytes; records from log_first_idx to log_next_idx
 *   record: ts_nsec u64, len u16 (whole record), text_len u16, ...; text at SIZE(printk_log)
 *   len == 0 marks the wrap: continue at the buffer start
 * before 3.5 (plain text ring): log_buf, log_end, log_buf_len; the text is copied as is
 * </pre>
 */
final class PrintkLogReader {

    private static final int MAX_LOG_BUF = 1 << 30;

    private final KernelMemory mem;
    private final VmcoreInfo info;

    PrintkLogReader(KernelMemory mem, VmcoreInfo info) {
        this.mem = mem;
        this.info = info;
    }

    KernelLogResult read() throws IOException {
        long logBufSym = info.symbol("log_buf").orElseThrow(() -> new DumpFormatException("VMCOREINFO has no SYMBOL(log_buf)"));
        long lenSym = info.symbol("log_buf_len").orElseThrow(() -> new DumpFormatException("VMCOREINFO has no SYMBOL(log_buf_len)"));
        long buf = mem.readLong(logBufSym);
        int len = mem.readInt(lenSym);
        if (len <= 0 || len > MAX_LOG_BUF) {
            throw new DumpFormatException("log_buf_len " + len + " is not in 1.." + MAX_LOG_BUF + " (damaged memory?)");
        }
        byte[] log = mem.read(buf, len);
        if (info.symbol("log_first_idx").isPresent()) {
            return records(log);
        }
        long endSym = info.symbol("log_end").orElseThrow(
                () -> new DumpFormatException("VMCOREINFO has neither SYMBOL(prb), SYMBOL(log_first_idx) nor SYMBOL(log_end)"));
        long end = Integer.toUnsignedLong(mem.readInt(endSym));
        ByteArrayOutputStream out = new ByteArrayOutputStream(len);
        if (end < len) {
            out.write(log, 0, (int) end);
        } else {
            int start = (int) (end % len);
            out.write(log, start, len - start);
            out.write(log, 0, start);
        }
        return new KernelLogResult(out.toByteArray(), 0, "log_buf", List.of());
    }

    private KernelLogResult records(byte[] log) throws IOException {
        String type = info.size("printk_log").isPresent() ? "printk_log" : "log";
        long hdr = info.size(type).orElseThrow(() -> new DumpFormatException("VMCOREINFO has no SIZE(printk_log)"));
        long tsOff = info.offset(type + ".ts_nsec").orElse(0);
        long lenOff = info.offset(type + ".len").orElseThrow(() -> new DumpFormatException("VMCOREINFO has no OFFSET(printk_log.len)"));
        long textLenOff = info.offset(type + ".text_len").orElseThrow(
                () -> new DumpFormatException("VMCOREINFO has no OFFSET(printk_log.text_len)"));
        long first = Integer.toUnsignedLong(mem.readInt(info.symbol("log_first_idx").getAsLong()));
        long next = Integer.toUnsignedLong(mem.readInt(info.symbol("log_next_idx").orElseThrow(
                () -> new DumpFormatException("VMCOREINFO has no SYMBOL(log_next_idx)"))));
        ByteBuffer b = ByteBuffer.wrap(log).order(ByteOrder.LITTLE_ENDIAN);
        ByteArrayOutputStream out = new ByteArrayOutputStream(log.length);
        List<String> problems = new ArrayList<>();
        int records = 0;
        long idx = first;
        // each step consumes >= 1 byte of the buffer, so a valid log ends within log.length steps
        for (int steps = 0; idx != next; steps++) {
            if (steps > log.length || idx + hdr > log.length) {
                problems.add("printk_log record chain broken at index " + idx + " (expected to reach " + next + ")");
                break;
            }
            int at = (int) idx;
            if (b.getShort(at + (int) lenOff) == 0) {
                at = 0; // wrap marker
            }
            int textLen = Short.toUnsignedInt(b.getShort(at + (int) textLenOff));
            int recLen = Short.toUnsignedInt(b.getShort(at + (int) lenOff));
            textLen = (int) Math.min(textLen, log.length - at - hdr);
            LogLineFormatter.format(b.getLong(at + (int) tsOff), log, at + (int) hdr, Math.max(0, textLen), out);
            records++;
            if (recLen == 0) {
                problems.add("printk_log record of length 0 at index " + at);
                break;
            }
            idx = at + recLen;
        }
        return new KernelLogResult(out.toByteArray(), records, "printk_log", List.copyOf(problems));
    }
}
