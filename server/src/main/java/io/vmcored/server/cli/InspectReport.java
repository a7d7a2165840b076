package io.vmcored.server.cli;

import io.vmcored.protocol.dmesg.PanicSummary;
import io.vmcored.protocol.dump.DumpInfo;
import java.nio.file.Path;

/** The human-readable form of a {@link DumpInfo}. */
final class InspectReport {

    private InspectReport() {
    }

    static String render(Path file, DumpInfo i) {
        StringBuilder s = new StringBuilder();
        line(s, "File", file + (i.fileSize() >= 0 ? " (" + i.fileSize() + " bytes)" : ""));
        line(s, "Format", i.formatLabel() + (i.flattened() ? " (dump size " + i.dumpSize() + " bytes)" : ""));
        line(s, "Host", i.hostName());
        line(s, "Kernel release", i.kernelRelease());
        line(s, "Kernel version", i.kernelVersion());
        line(s, "Machine", i.machine());
        line(s, "Crash time", i.crashTime() == null ? null : i.crashTime().toString());
        line(s, "Page size", String.valueOf(i.pageSize()));
        line(s, "Compression", i.compression().label());
        line(s, "Dump level", i.dumpLevel() == null ? null : String.valueOf(i.dumpLevel()));
        line(s, "CPUs", i.cpus() == null ? null : String.valueOf(i.cpus()));
        line(s, "Stored pages", i.storedPages() < 0 ? "unknown" : String.valueOf(i.storedPages()));
        line(s, "Incomplete", i.incomplete() ? "yes" : "no");
        line(s, "Build ID", i.vmcoreinfo().get("BUILD-ID"));
        line(s, "VMCOREINFO", i.vmcoreinfo().size() + " entries (--json lists them)");
        if (i.problems().isEmpty()) {
            line(s, "Problems", "none");
        } else {
            s.append("Problems:\n");
            for (String p : i.problems()) {
                s.append("  - ").append(p).append('\n');
            }
        }
        return s.toString();
    }

    /** The crash part of the report: what the kernel log says crashed. */
    static String renderCrash(PanicSummary crash, String logProblem) {
        StringBuilder s = new StringBuilder();
        if (crash == null) {
            line(s, "Crash", logProblem != null ? logProblem : "no panic, BUG or Oops in the kernel log");
            return s.toString();
        }
        line(s, "Crash", crash.trigger());
        if (crash.panicLine() != null && !crash.panicLine().equals(crash.trigger())) {
            line(s, "Panic", crash.panicLine());
        }
        line(s, "Uptime", crash.uptime() == null ? null : crash.uptime() + " s");
        line(s, "Faulting func", crash.faultingFunction());
        line(s, "Call trace", String.join(" < ", crash.topFrames()));
        line(s, "Signature", crash.signature());
        return s.toString();
    }

    private static void line(StringBuilder s, String label, String value) {
        s.append(String.format("%-16s%s%n", label + ":", value == null ? "-" : value));
    }
}
