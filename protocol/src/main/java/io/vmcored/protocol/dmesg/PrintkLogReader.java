package io.vmcored.protocol.dmesg;

import io.vmcored.protocol.dump.DumpFormatException;
import io.vmcored.protocol.memory.KernelMemory;
import io.vmcored.protocol.vmcoreinfo.VmcoreInfo;
import java.io.IOException;

/**
 * Reads the variable-length records of kernels 3.5 .. 5.9 ({@code struct printk_log}, called
 * {@code log} before 3.11), like makedumpfile's {@code dump_dmesg}.
 *
 * <pre>
 * log_buf[log_buf_len]; records from log_first_idx up to log_next_idx
 *   record at idx: ts_nsec u64, len u16 (whole record), text_len u16, dict_len u16, ...
 *                  text at idx + SIZE(printk_log), then the dictionary, then padding
 *   len == 0 marks the wrap: the chain goes on at log_buf[0]
 *   first &lt; next: the records fill [first, next), no wrap
 *   first &gt; next: [first, wrap marker), then [0, next)
 * </pre>
 * The chain is only as good as every len in it, so the log is the records before the first
 * link the kernel could not have written (a header or record running past the buffer or
 * past log_next_idx, text_len + dict_len larger than the record, a second wrap); that link
 * is named in the problems. Every step moves forward or wraps once, so the walk ends.
 */
final class PrintkLogReader {

    private static final long MAX_HEADER = 4096;

    private final KernelMemory mem;
    private final VmcoreInfo info;

    PrintkLogReader(KernelMemory mem, VmcoreInfo info) {
        this.mem = mem;
        this.info = info;
    }

    KernelLogResult read() throws IOException {
        String type = info.size("printk_log").isPresent() ? "printk_log" : "log";
        long hdr = info.size(type).orElseThrow(() -> new DumpFormatException("VMCOREINFO has no SIZE(printk_log)"));
        long tsOff = info.offset(type + ".ts_nsec").orElse(0);
        long lenOff = required(type + ".len");
        long textLenOff = required(type + ".text_len");
        long dictLenOff = info.offset(type + ".dict_len").orElse(-1);
        if (hdr < 1 || hdr > MAX_HEADER || tsOff < 0 || tsOff + 8 > hdr || lenOff < 0 || lenOff + 2 > hdr
                || textLenOff < 0 || textLenOff + 2 > hdr || dictLenOff + 2 > hdr) {
            throw new DumpFormatException("VMCOREINFO " + type + " offsets do not fit SIZE(" + type + ") " + hdr);
        }
        LogText log = new LogText("printk_log");
        RingArea buf = LogBuffer.open(mem, info, log);
        if (buf == null) {
            return log.result();
        }
        long size = buf.size();
        long first = LogBuffer.u32(mem, info, "log_first_idx");
        long next = LogBuffer.u32(mem, info, "log_next_idx");
        if (first >= size || next >= size) {
            log.problem("log_first_idx " + first + " / log_next_idx " + next + " lie beyond log_buf_len " + size
                    + " (damaged memory?); no record read");
            return log.result();
        }
        long idx = first;
        long end = first <= next ? next : size; // where the current stretch of records must stop
        boolean wrapped = false;
        while (idx != next) {
            if (!buf.contains(idx, hdr) || !buf.present(idx, hdr)) {
                log.problem(broken(idx, first, next) + (buf.contains(idx, hdr) ? "its header is on a page missing from"
                        + " the dump" : "its header runs past the end of the " + size + "-byte log_buf"));
                break;
            }
            int recLen = buf.getUnsignedShort(idx + lenOff);
            if (recLen == 0) {
                if (wrapped || first <= next) {
                    log.problem(broken(idx, first, next) + "a wrap marker where the records cannot wrap");
                    break;
                }
                wrapped = true;
                idx = 0;
                end = next;
                continue;
            }
            int textLen = buf.getUnsignedShort(idx + textLenOff);
            int dictLen = dictLenOff < 0 ? 0 : buf.getUnsignedShort(idx + dictLenOff);
            if (recLen < hdr + textLen + dictLen) {
                log.problem(broken(idx, first, next) + "len " + recLen + " is less than header + text_len + dict_len ("
                        + hdr + " + " + textLen + " + " + dictLen + ")");
                break;
            }
            if (idx + recLen > end) {
                log.problem(broken(idx, first, next) + "len " + recLen + " runs past "
                        + (end == next ? "log_next_idx " : "the end of log_buf at ") + end);
                break;
            }
            if (!buf.present(idx + hdr, textLen)) {
                log.problem(broken(idx, first, next) + "its text is on a page missing from the dump");
                break;
            }
            if (!log.add(buf.getLong(idx + tsOff), buf, idx + hdr, textLen)) {
                break;
            }
            idx += recLen;
        }
        return log.result();
    }

    private static String broken(long idx, long first, long next) {
        return "printk_log records from log_first_idx " + first + " stop at index " + idx + " before log_next_idx "
                + next + ": ";
    }

    private long required(String member) throws DumpFormatException {
        return info.offset(member).orElseThrow(() -> new DumpFormatException("VMCOREINFO has no OFFSET(" + member + ")"));
    }
}
