package io.vmcored.protocol.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vmcored.protocol.dmesg.KernelLog;
import io.vmcored.protocol.dmesg.KernelLogResult;
import io.vmcored.protocol.dmesg.LocklessRing;
import io.vmcored.protocol.dump.DumpFormatException;
import io.vmcored.protocol.memory.DumpMemory;
import io.vmcored.protocol.memory.KernelMemory;
import io.vmcored.protocol.memory.MissingMemoryException;
import io.vmcored.protocol.vmcoreinfo.VmcoreInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@link KernelLog} on kernel memory made of fuzz bytes, as a crashed or compromised host
 * could send it: one 16 KiB region holding the ring variables, descriptors, infos and text,
 * in any of the three formats. The pointers that locate the ring are either left as the
 * bytes say or aimed somewhere inside the region, so the fuzzer reaches the record parsing.
 * Properties: a result, or a {@link DumpFormatException} (a {@link MissingMemoryException}
 * included) that does not hide an unchecked exception; output bounded by the region.
 */
class KernelLogFuzzTest {

    private static final long BASE = 0xffffffff81000000L;
    private static final int REGION = 1 << 14;
    /** Widest formatted record: prefix, 0xffff bytes printed as "\xffffff80", newline. */
    private static final long WIDEST_RECORD = 32 + 10L * 0xffff;

    /** The 6.1 x86_64 layout; struct printk_ringbuffer at BASE + 0x100, SYMBOL(prb) at BASE. */
    private static final String LOCKLESS = LocklessRing.LAYOUT + "SYMBOL(prb)=ffffffff81000000\n";

    /** log_buf, log_buf_len, log_first_idx, log_next_idx, log_end at BASE + 0, 0x10, 0x20, 0x30, 0x40. */
    private static final String LOG_BUF = "SYMBOL(log_buf)=ffffffff81000000\nSYMBOL(log_buf_len)=ffffffff81000010\n";
    private static final String PRINTK_LOG = LOG_BUF + """
            SYMBOL(log_first_idx)=ffffffff81000020
            SYMBOL(log_next_idx)=ffffffff81000030
            SIZE(printk_log)=16
            OFFSET(printk_log.ts_nsec)=0
            OFFSET(printk_log.len)=8
            OFFSET(printk_log.text_len)=10
            OFFSET(printk_log.dict_len)=12
            """;
    private static final String TEXT = LOG_BUF + "SYMBOL(log_end)=ffffffff81000040\n";

    @FuzzTest(maxDuration = "10m")
    void extract(FuzzedDataProvider data) throws IOException {
        int format = data.consumeInt(0, 2);
        boolean aim = data.consumeBoolean();
        int[] targets = {data.consumeInt(0, REGION - 1), data.consumeInt(0, REGION - 1), data.consumeInt(0, REGION - 1)};
        int countBits = data.consumeInt(0, 8);
        int sizeBits = data.consumeInt(0, 14);
        ByteBuffer mem = ByteBuffer.allocate(REGION).order(ByteOrder.LITTLE_ENDIAN);
        byte[] rest = data.consumeRemainingAsBytes();
        mem.put(rest, 0, Math.min(rest.length, REGION));
        String info;
        if (format == 0) {
            info = LOCKLESS;
            if (aim) {
                mem.putLong(0, BASE + 0x100).putInt(0x100, countBits).putLong(0x108, BASE + targets[0])
                        .putLong(0x110, BASE + targets[1]).putInt(0x130, sizeBits).putLong(0x138, BASE + targets[2]);
            }
        } else {
            info = format == 1 ? PRINTK_LOG : TEXT;
            if (aim) {
                mem.putLong(0, BASE + targets[0]).putInt(0x10, targets[1]);
            }
        }
        KernelLogResult log;
        try {
            log = KernelLog.extract(new DumpMemory(new RegionMemory(mem.array()), VmcoreInfo.parse(info)));
        } catch (DumpFormatException e) {
            Fuzzing.requireNoUncheckedCause(e);
            return;
        }
        // every record needs at least a header's worth of the region
        assertTrue(log.records() <= REGION, log.records() + " records from a " + REGION + "-byte region");
        assertTrue(log.text().length <= (long) REGION * WIDEST_RECORD, "text not bounded by the region");
    }

    /** Kernel memory of one region at BASE; everything else is absent from the dump. */
    private static final class RegionMemory implements KernelMemory {

        private final byte[] bytes;

        RegionMemory(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public long toPhysical(long vaddr) {
            return vaddr;
        }

        @Override
        public void read(long vaddr, byte[] dst, int off, int len) throws MissingMemoryException {
            long at = vaddr - BASE;
            if (at < 0 || at > bytes.length || len > bytes.length - at) {
                throw new MissingMemoryException("address 0x" + Long.toHexString(vaddr) + " is not in the dump", vaddr);
            }
            System.arraycopy(bytes, (int) at, dst, off, len);
        }
    }
}
