package io.vmcored.server.analysis;

import io.vmcored.protocol.dmesg.PanicSummary;
import io.vmcored.server.catalog.DumpRecord;
import io.vmcored.server.catalog.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Analyzes one stored dump, blocking (analysis executor only): extracts the kernel log,
 * writes it beside the dump, finds the crash. When the dump yields no log (damaged,
 * cut before the ring, or a kernel-log-only upload) the sender's own log file is parsed
 * instead, if it sent one.
 */
final class DumpAnalyzer {

    private DumpAnalyzer() {
    }

    static CrashReport analyze(DumpRecord record) throws IOException {
        long t0 = System.nanoTime();
        Manifest m = record.snapshot();
        Path dir = record.directory();
        String clientLog = DmesgFiles.clientLog(m);
        List<String> problems = new ArrayList<>();
        DumpKernelLog log = null;
        String dmesgFile = null;
        if (m.dumpFile != null && Files.isRegularFile(record.fileFor(m.dumpFile))) {
            log = DumpKernelLog.read(record.fileFor(m.dumpFile));
            problems.addAll(log.problems());
            if (log.text() != null) {
                dmesgFile = DmesgFiles.nameFor(m);
                DmesgFiles.writeAtomically(dir, dmesgFile, log.text());
            }
        } else {
            problems.add(m.dumpFile == null ? "no dump file was received" : "dump file " + m.dumpFile + " is missing");
        }
        String outcome = log == null || log.text() == null ? CrashReport.FAILED
                : log.problems().isEmpty() ? CrashReport.COMPLETE : CrashReport.PARTIAL;
        PanicSummary s = log == null ? null : DumpKernelLog.summary(log.text());
        String source = log != null && log.text() != null ? "dump" : null;
        if (s == null && clientLog != null) {
            PanicSummary fromClient = DumpKernelLog.summary(DmesgFiles.readTail(record.fileFor(clientLog)));
            if (fromClient != null || source == null) {
                s = fromClient;
                source = "client";
                dmesgFile = clientLog;
            }
        }
        String release = log != null && log.kernelRelease() != null ? log.kernelRelease()
                : m.inspect == null ? null : m.inspect.get("kernel");
        long millis = (System.nanoTime() - t0) / 1_000_000;
        return new CrashReport(outcome, source, dmesgFile, clientLog, log == null ? 0 : log.records(),
                log == null ? null : log.format(), List.copyOf(problems), s != null,
                s == null ? null : s.trigger(), s == null ? null : s.panicLine(),
                s == null ? null : s.faultingFunction(), s == null ? null : s.rip(),
                s == null ? null : s.topFrames(), release, s == null ? null : s.uptime(),
                s == null ? null : s.signature(), Instant.now().toString(), millis);
    }
}
