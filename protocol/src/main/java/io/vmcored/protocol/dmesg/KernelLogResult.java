package io.vmcored.protocol.dmesg;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The kernel log read from a dump.
 *
 * @param text     the log formatted like {@code makedumpfile --dump-dmesg} (ASCII)
 * @param records  records written
 * @param format   "lockless" (printk_ringbuffer, 5.10+), "printk_log" (3.5..5.9) or "log_buf" (older)
 * @param problems what could not be read; empty when the whole log was read
 */
public record KernelLogResult(byte[] text, int records, String format, List<String> problems) {

    public boolean complete() {
        return problems.isEmpty();
    }

    public String asString() {
        return new String(text, StandardCharsets.ISO_8859_1);
    }
}
