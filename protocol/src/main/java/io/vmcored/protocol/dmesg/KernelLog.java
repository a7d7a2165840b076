package io.vmcored.protocol.dmesg;

import io.vmcored.protocol.dump.DumpFiles;
import io.vmcored.protocol.dump.DumpFormatException;
import io.vmcored.protocol.dump.DumpSource;
import io.vmcored.protocol.memory.DumpMemory;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Extracts the kernel log (dmesg) from a dump, formatted exactly like
 * {@code makedumpfile --dump-dmesg}: the lockless ring of 5.10+ kernels, or the older
 * printk_log / log_buf formats, chosen by what VMCOREINFO exports.
 */
public final class KernelLog {

    private KernelLog() {
    }

    public static KernelLogResult extract(Path dump) throws IOException {
        try (DumpSource src = DumpFiles.open(dump)) {
            return extract(src);
        }
    }

    /** Extracts from an open source (not closed here; a flattened stream must already be unwrapped). */
    public static KernelLogResult extract(DumpSource src) throws IOException {
        return extract(DumpMemory.open(src));
    }

    public static KernelLogResult extract(DumpMemory dump) throws IOException {
        try {
            return read(dump);
        } catch (RuntimeException e) {
            // damaged memory must read as "damaged dump", never as a stack trace
            throw new DumpFormatException("damaged kernel log structures (" + e + ")", e);
        }
    }

    private static KernelLogResult read(DumpMemory dump) throws IOException {
        var prb = dump.vmcoreinfo().symbol("prb");
        if (prb.isPresent()) {
            return new LocklessRingReader(dump.memory(), new RingLayout(dump.vmcoreinfo())).read(prb.getAsLong());
        }
        return new PrintkLogReader(dump.memory(), dump.vmcoreinfo()).read();
    }
}
