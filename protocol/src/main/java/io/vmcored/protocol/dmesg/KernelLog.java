package io.vmcored.protocol.dmesg;

import io.vmcored.protocol.dump.DumpFiles;
import io.vmcored.protocol.dump.DumpFormatException;
import io.vmcored.protocol.dump.DumpSource;
import io.vmcored.protocol.memory.DumpMemory;
import io.vmcored.protocol.memory.MissingMemoryException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Extracts the kernel log (dmesg) from a dump, formatted exactly like
 * {@code makedumpfile --dump-dmesg}: the lockless ring of 5.10+ kernels, or the older
 * printk_log / log_buf formats, chosen by what VMCOREINFO exports.
 *
 * <p>The rings are written by the dumped machine and read as untrusted input: indexes,
 * positions and lengths that no kernel could have left give a partial log and a sentence
 * in {@link KernelLogResult#problems()}, never an exception, and every loop and buffer is
 * bounded by the ring's size, never by a length read from it. Exceptions are left for a
 * log that cannot be located at all: VMCOREINFO lacking the entries, or none of the ring
 * in the dump ({@link MissingMemoryException}).
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
        if (dump.vmcoreinfo().symbol("log_first_idx").isPresent()) {
            return new PrintkLogReader(dump.memory(), dump.vmcoreinfo()).read();
        }
        if (dump.vmcoreinfo().symbol("log_end").isPresent()) {
            return new LogBufReader(dump.memory(), dump.vmcoreinfo()).read();
        }
        throw new DumpFormatException("VMCOREINFO has neither SYMBOL(prb), SYMBOL(log_first_idx) nor SYMBOL(log_end):"
                + " the kernel log cannot be located");
    }
}
