package io.vmcored.server.catalog;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.vmcored.server.catalog.Manifest.FileEntry;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * What listings, filters, retention and the start-up of crash analysis need of one dump,
 * immutable: made from the manifest at every save, so that none of them copies or reads a manifest.
 */
public record DumpSummary(String id, String host, @JsonIgnore String clientId, @JsonIgnore DumpState state,
                          String transport, @JsonIgnore Instant created, @JsonIgnore Instant finished,
                          String dumpFile, long size, @JsonIgnore long totalBytes, String format, String kernel,
                          String crashTime, String signature, String panic, String problem,
                          @JsonIgnore boolean analyzed) {

    public static DumpSummary of(Manifest m) {
        FileEntry f = m.dumpFile == null ? null : m.files.get(m.dumpFile);
        long total = 0;
        for (FileEntry e : m.files.values()) {
            total += e.fileSize;
        }
        String format = null;
        String kernel = null;
        String crashTime = null;
        if (m.inspect != null) {
            format = m.inspect.get("format");
            kernel = m.inspect.get("kernel");
            crashTime = m.inspect.get("crashTime");
        }
        String signature = null;
        String panic = null;
        if (m.analysis != null) {
            signature = text(m.analysis.get("signature"));
            panic = text(m.analysis.get("panicLine") != null ? m.analysis.get("panicLine") : m.analysis.get("trigger"));
            if (kernel == null) {
                kernel = text(m.analysis.get("kernelRelease"));
            }
        }
        Instant created = time(m.created);
        return new DumpSummary(m.id, m.host, m.clientId, m.state, m.transport, created == null ? Instant.EPOCH : created,
                time(m.finished), m.dumpFile, f == null ? 0 : f.fileSize, total, format, kernel, crashTime, signature,
                panic, m.problem, m.analysis != null);
    }

    @JsonProperty("state")
    public String stateName() {
        return state.wire();
    }

    @JsonProperty("created")
    public String createdText() {
        return created.toString();
    }

    @JsonProperty("finished")
    public String finishedText() {
        return finished == null ? null : finished.toString();
    }

    private static Instant time(String s) {
        try {
            return s == null ? null : Instant.parse(s);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String text(Object o) {
        return o == null ? null : o.toString();
    }
}
