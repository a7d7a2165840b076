package io.vmcored.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vmcored.protocol.dmesg.KernelLog;
import io.vmcored.protocol.dmesg.KernelLogResult;
import io.vmcored.protocol.dmesg.PanicSummary;
import io.vmcored.protocol.dmesg.PanicSummaryParser;
import io.vmcored.protocol.dump.DumpInfo;
import io.vmcored.protocol.dump.DumpInspector;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vmcored inspect [--json|--dmesg] FILE}: what a dump (kdump-compressed, ELF, or a
 * flattened stream of either) says about the crashed machine, or its kernel log.
 * Exit 0 read, 1 unknown or damaged file (or no log readable), 2 log printed partly.
 */
@Command(name = "inspect", description = {
    "Show what a dump file says about the crash: format, host, kernel, crash time,",
    "compression, pages, VMCOREINFO. Reads kdump-compressed, ELF and flattened (makedumpfile -F) files.",
    "--dmesg prints the kernel log instead, exactly as makedumpfile --dump-dmesg writes it.",
    "Exit status: 0 read, 1 unknown or damaged file (or no kernel log readable),",
    "2 kernel log printed but parts could not be read (said on stderr)."})
public final class InspectCommand implements Callable<Integer> {

    static final int EXIT_PARTIAL_LOG = 2;

    @Parameters(index = "0", paramLabel = "FILE", description = "Dump file or flattened stream.")
    Path file;

    @Option(names = "--json", description = "Print JSON instead of a readable report.")
    boolean json;

    @Option(names = "--dmesg", description = "Print the kernel log (like makedumpfile --dump-dmesg).")
    boolean dmesg;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file + ": no such file (or not a regular file)");
        }
        if (dmesg) {
            return printLog(out);
        }
        DumpInfo info = DumpInspector.inspect(file);
        PanicSummary crash = null;
        String logProblem = null;
        try {
            crash = PanicSummaryParser.parse(KernelLog.extract(file).asString());
        } catch (IOException e) {
            logProblem = "kernel log unreadable: " + e.getMessage();
        }
        if (json) {
            Map<String, Object> m = toMap(info);
            m.put("crash", crash);
            m.put("kernelLogProblem", logProblem);
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m));
        } else {
            out.print(InspectReport.render(file, info));
            out.print(InspectReport.renderCrash(crash, logProblem));
        }
        out.flush();
        return 0;
    }

    private int printLog(PrintWriter out) throws IOException {
        KernelLogResult log = KernelLog.extract(file);
        out.print(log.asString());
        out.flush();
        if (log.complete()) {
            return 0;
        }
        PrintWriter err = spec.commandLine().getErr();
        for (String p : log.problems()) {
            err.println("vmcored inspect: " + file + ": " + p);
        }
        err.flush();
        return EXIT_PARTIAL_LOG;
    }

    /** The JSON shape (stable field names, ISO-8601 crash time). */
    static Map<String, Object> toMap(DumpInfo i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", i.format().label());
        m.put("flattened", i.flattened());
        m.put("fileSize", i.fileSize());
        m.put("dumpSize", i.dumpSize());
        m.put("pageSize", i.pageSize());
        m.put("compression", i.compression().label());
        m.put("dumpLevel", i.dumpLevel());
        m.put("hostName", i.hostName());
        m.put("kernelRelease", i.kernelRelease());
        m.put("kernelVersion", i.kernelVersion());
        m.put("machine", i.machine());
        m.put("crashTime", i.crashTime() == null ? null : i.crashTime().toString());
        m.put("incomplete", i.incomplete());
        m.put("storedPages", i.storedPages());
        m.put("cpus", i.cpus());
        m.put("problems", i.problems());
        m.put("vmcoreinfo", i.vmcoreinfo());
        return m;
    }
}
