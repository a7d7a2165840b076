package io.vmcored.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
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
 * {@code vmcored inspect [--json] FILE}: what a dump (kdump-compressed, ELF, or a flattened
 * stream of either) says about the crashed machine. Exit 0 readable, 1 unknown or damaged.
 */
@Command(name = "inspect", description = {
    "Show what a dump file says about the crash: format, host, kernel, crash time,",
    "compression, pages, VMCOREINFO. Reads kdump-compressed, ELF and flattened (makedumpfile -F) files.",
    "Exit status: 0 read, 1 unknown or damaged file."})
public final class InspectCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "Dump file or flattened stream.")
    Path file;

    @Option(names = "--json", description = "Print JSON instead of a readable report.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file + ": no such file (or not a regular file)");
        }
        DumpInfo info = DumpInspector.inspect(file);
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toMap(info)));
        } else {
            out.print(InspectReport.render(file, info));
        }
        out.flush();
        return 0;
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
