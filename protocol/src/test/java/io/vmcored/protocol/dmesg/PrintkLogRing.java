package io.vmcored.protocol.dmesg;

import io.vmcored.protocol.memory.DumpMemory;
import io.vmcored.protocol.vmcoreinfo.VmcoreInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The log buffer of a pre-5.10 kernel built in {@link FakeKernelMemory}: {@code log_buf},
 * {@code log_buf_len}, {@code log_first_idx} / {@code log_next_idx} (3.5 .. 5.9, 16-byte
 * {@code struct printk_log}: ts_nsec @0, len @8, text_len @10, dict_len @12) or {@code log_end}
 * (before 3.5). Tests write records, damage what they like and read it back through {@link KernelLog}.
 */
final class PrintkLogRing {

    static final long BUF = 0xffff888000100000L;
    static final long LOG_BUF = 0xffffffff82000000L;
    static final long LEN = LOG_BUF + 0x10;
    static final long FIRST = LOG_BUF + 0x20;
    static final long NEXT = LOG_BUF + 0x30;
    static final long END = LOG_BUF + 0x40;
    static final int HEADER = 16;

    final FakeKernelMemory mem = new FakeKernelMemory();
    final ByteBuffer log;
    private final ByteBuffer vars = mem.region(LOG_BUF, 0x48);

    PrintkLogRing(int size) {
        vars.putLong(0, BUF).putInt(0x10, size);
        log = mem.region(BUF, size);
    }

    PrintkLogRing indexes(long first, long next) {
        vars.putInt(0x20, (int) first).putInt(0x30, (int) next);
        return this;
    }

    PrintkLogRing logBufLen(long len) {
        vars.putInt(0x10, (int) len);
        return this;
    }

    PrintkLogRing logEnd(long end) {
        vars.putInt(0x40, (int) end);
        return this;
    }

    /** A record at {@code at}: header, text, then {@code dictLen} dictionary bytes ('=' filled). */
    PrintkLogRing record(int at, long tsNanos, int len, String text, int textLen, int dictLen) {
        log.putLong(at, tsNanos).putShort(at + 8, (short) len).putShort(at + 10, (short) textLen)
                .putShort(at + 12, (short) dictLen);
        log.put(at + HEADER, text.getBytes(StandardCharsets.ISO_8859_1));
        return this;
    }

    /** A well-formed record of length header + text, rounded up to 8 like the kernel's LOG_ALIGN. */
    PrintkLogRing record(int at, long tsNanos, String text) {
        return record(at, tsNanos, align8(HEADER + text.length()), text, text.length(), 0);
    }

    static int align8(int n) {
        return (n + 7) & ~7;
    }

    /** VMCOREINFO of a 3.11 .. 5.9 kernel (type printk_log, with dict_len). */
    static VmcoreInfo recordsInfo() {
        return VmcoreInfo.parse(symbols() + """
                SYMBOL(log_first_idx)=ffffffff82000020
                SYMBOL(log_next_idx)=ffffffff82000030
                SIZE(printk_log)=16
                OFFSET(printk_log.ts_nsec)=0
                OFFSET(printk_log.len)=8
                OFFSET(printk_log.text_len)=10
                OFFSET(printk_log.dict_len)=12
                """);
    }

    /** VMCOREINFO of a kernel before 3.5 (plain text ring). */
    static VmcoreInfo textInfo() {
        return VmcoreInfo.parse(symbols() + "SYMBOL(log_end)=ffffffff82000040\n");
    }

    private static String symbols() {
        return "SYMBOL(log_buf)=ffffffff82000000\nSYMBOL(log_buf_len)=ffffffff82000010\n";
    }

    KernelLogResult extract(VmcoreInfo info) throws IOException {
        return KernelLog.extract(new DumpMemory(mem, info));
    }

    KernelLogResult extractRecords() throws IOException {
        return extract(recordsInfo());
    }
}
