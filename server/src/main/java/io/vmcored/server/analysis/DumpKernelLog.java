package io.vmcored.server.analysis;

import io.vmcored.protocol.dmesg.KernelLog;
import io.vmcored.protocol.dmesg.KernelLogResult;
import io.vmcored.protocol.dmesg.PanicSummary;
import io.vmcored.protocol.dmesg.PanicSummaryParser;
import io.vmcored.protocol.dump.DumpFiles;
import io.vmcored.protocol.dump.DumpInspector;
import io.vmcored.protocol.dump.DumpSource;
import io.vmcored.protocol.dump.FileDumpSource;
import io.vmcored.server.storage.MessagePaths;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The adapter to protocol's kernel-log API (io.vmcored.protocol.dmesg): everything the
 * server needs from a stored dump in one pass over one open source.
 *
 * @param text          the log as {@code makedumpfile --dump-dmesg} prints it, or null if none could be read
 * @param records       records read
 * @param format        ring format (lockless, printk_log, log_buf), or null
 * @param kernelRelease utsname release, or null
 * @param problems      what could not be read, one sentence each
 */
record DumpKernelLog(byte[] text, int records, String format, String kernelRelease, List<String> problems) {

    /**
     * Reads the log of {@code dump} (kdump-compressed, ELF, or a flattened stream of either). Never
     * throws for damage. Problems name the file as the dump's directory does, never by its
     * path on the server: they reach the API, hooks and the web console.
     */
    static DumpKernelLog read(Path dump) {
        List<String> problems = new ArrayList<>();
        String release = null;
        String name = dump.getFileName().toString();
        try (DumpSource src = DumpFiles.unwrap(new FileDumpSource(FileChannel.open(dump, StandardOpenOption.READ), name))) {
            try {
                release = DumpInspector.inspect(src).kernelRelease();
            } catch (IOException | RuntimeException e) {
                problems.add("header: " + MessagePaths.of(e, dump));
            }
            KernelLogResult r = KernelLog.extract(src);
            for (String p : r.problems()) {
                problems.add(MessagePaths.withoutDirectory(p, dump));
            }
            return new DumpKernelLog(r.text(), r.records(), r.format(), release, List.copyOf(problems));
        } catch (IOException | RuntimeException e) {
            problems.add("kernel log: " + MessagePaths.of(e, dump));
            return new DumpKernelLog(null, 0, null, release, List.copyOf(problems));
        }
    }

    /** The crash in a kernel log text, or null when it shows none. */
    static PanicSummary summary(byte[] log) {
        return log == null ? null : PanicSummaryParser.parse(new String(log, StandardCharsets.ISO_8859_1));
    }
}
