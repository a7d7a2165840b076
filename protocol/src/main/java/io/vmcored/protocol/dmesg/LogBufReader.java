package io.vmcored.protocol.dmesg;

import io.vmcored.protocol.memory.KernelMemory;
import io.vmcored.protocol.vmcoreinfo.VmcoreInfo;
import java.io.IOException;

/**
 * Reads the plain text ring of kernels before 3.5, like makedumpfile's {@code dump_dmesg}.
 *
 * <pre>
 * log_buf[log_buf_len] (a power of two), log_end = characters ever written (unsigned)
 *   log_end &lt; log_buf_len: the text is log_buf[0 .. log_end)
 *   otherwise:             log_buf[log_end &amp; (len - 1) .. len) + log_buf[0 .. log_end &amp; (len - 1))
 * </pre>
 * The text is copied as it is; it stops at the first page the dump lacks.
 */
final class LogBufReader {

    private static final int CHUNK = 4096;

    private final KernelMemory mem;
    private final VmcoreInfo info;

    LogBufReader(KernelMemory mem, VmcoreInfo info) {
        this.mem = mem;
        this.info = info;
    }

    KernelLogResult read() throws IOException {
        LogText log = new LogText("log_buf");
        RingArea buf = LogBuffer.open(mem, info, log);
        if (buf == null) {
            return log.result();
        }
        long len = buf.size();
        long end = LogBuffer.u32(mem, info, "log_end");
        if (Long.bitCount(len) != 1) {
            log.problem("log_buf_len " + len + " is not a power of two (damaged memory?); the text ring is not read");
            return log.result();
        }
        if (end < len) {
            copy(buf, 0, end, log);
        } else {
            long start = end & (len - 1);
            if (copy(buf, start, len, log)) {
                copy(buf, 0, start, log);
            }
        }
        return log.result();
    }

    /** Copies {@code [from, to)}; false (with the problem noted) when a missing page or the ceiling stops it. */
    private static boolean copy(RingArea buf, long from, long to, LogText log) throws IOException {
        long readable = buf.readableEnd(from, to - from);
        byte[] chunk = new byte[CHUNK];
        for (long at = from; at < readable; at += CHUNK) {
            int n = (int) Math.min(CHUNK, readable - at);
            buf.copy(at, chunk, 0, n);
            if (!log.addRaw(chunk, 0, n)) {
                return false;
            }
        }
        if (readable < to) {
            log.problem("the log_buf text stops at offset " + readable + ": its page is not in the dump");
            return false;
        }
        return true;
    }
}
