package io.vmcored.protocol.dmesg;

import io.vmcored.protocol.dump.DumpFormatException;
import io.vmcored.protocol.memory.KernelMemory;
import io.vmcored.protocol.memory.MissingMemoryException;
import io.vmcored.protocol.vmcoreinfo.VmcoreInfo;
import java.io.IOException;

/**
 * Locates the log buffer of kernels before 5.10: {@code char *log_buf} and
 * {@code u32 log_buf_len} (an int before 3.5), both named by VMCOREINFO symbols.
 */
final class LogBuffer {

    private LogBuffer() {
    }

    /**
     * The buffer as a {@link RingArea}, or null with the problem noted in {@code log} when its
     * length cannot be real. {@link MissingMemoryException} when none of it is in the dump.
     */
    static RingArea open(KernelMemory mem, VmcoreInfo info, LogText log) throws IOException {
        long bufSym = symbol(info, "log_buf");
        long lenSym = symbol(info, "log_buf_len");
        long buf = mem.readLong(bufSym);
        long len = Integer.toUnsignedLong(mem.readInt(lenSym));
        if (len == 0 || len > RingArea.MAX_SIZE) {
            log.problem("log_buf_len " + len + " is not in 1.." + RingArea.MAX_SIZE + " (damaged memory?); no record read");
            return null;
        }
        RingArea area = new RingArea(mem, buf, len, "log_buf");
        long lacking = area.scan();
        if (lacking == len) {
            throw new MissingMemoryException("log_buf (" + len + " bytes at 0x" + Long.toHexString(buf)
                    + ") is not in the dump", buf);
        }
        if (lacking > 0) {
            log.problem(lacking + " of " + len + " bytes of log_buf are not in the dump; the log stops where it meets them");
        }
        return area;
    }

    /** Reads the u32 a VMCOREINFO symbol points at (log_first_idx, log_next_idx, log_end). */
    static long u32(KernelMemory mem, VmcoreInfo info, String name) throws IOException {
        return Integer.toUnsignedLong(mem.readInt(symbol(info, name)));
    }

    private static long symbol(VmcoreInfo info, String name) throws DumpFormatException {
        return info.symbol(name).orElseThrow(() -> new DumpFormatException("VMCOREINFO has no SYMBOL(" + name + ")"));
    }
}
