package io.vmcored.server.catalog;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.Map;

/**
 * What listings, filters, retention and steering need of one dump, taken from its manifest
 * once: immutable, so the catalog's indexes can share it between threads. Serialized as the
 * items of {@code GET /api/v1/dumps} (times ISO-8601, state by its wire name).
 *
 * @param size       bytes of the dump file, 0 when there is none
 * @param totalBytes bytes of all files of the dump (retention)
 * @param kernel     kernel release from the dump header, else from the crash analysis
 * @param panic      the analysis' panic line, else its trigger line
 * @param analyzed   crash analysis has run on it (its signature, if any, is known)
 * @param granted    admission granted it a full (or reduced) dump; its signature is then known
 *                   from the kernel log sent first, before any analysis
 * @param stored     its files are in the object store (the manifest has its {@code store} object)
 * @param node       the collector that holds the dump, in a catalog shared by several (else null,
 *                   and left out of the JSON)
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"id", "host", "node", "state", "transport", "created", "finished", "dumpFile", "size", "kernel",
        "crashTime", "format", "signature", "panic", "problem"})
public record DumpSummary(
        String id,
        String host,
        @JsonIgnore String clientId,
        DumpState state,
        String transport,
        @JsonSerialize(using = ToStringSerializer.class) Instant created,
        @JsonSerialize(using = ToStringSerializer.class) Instant finished,
        String dumpFile,
        long size,
        @JsonIgnore long totalBytes,
        String format,
        String kernel,
        String crashTime,
        String signature,
        String panic,
        String problem,
        @JsonIgnore boolean analyzed,
        @JsonIgnore boolean granted,
        @JsonIgnore boolean stored,
        @JsonInclude(JsonInclude.Include.NON_NULL) String node) {

    /** Oldest first: arrival time, then id (within one host a later id is a later directory). */
    public static final Comparator<DumpSummary> ORDER =
            Comparator.comparing(DumpSummary::created).thenComparing(DumpSummary::id);

    public DumpSummary {
        if (id == null || host == null || state == null || created == null) {
            throw new IllegalArgumentException("dump summary needs id, host, state and created; got id=" + id
                    + " host=" + host + " state=" + state + " created=" + created);
        }
    }

    /** A summary not yet analyzed (tests, and dumps still arriving). */
    public DumpSummary(String id, String host, String clientId, DumpState state, String transport, Instant created,
                       Instant finished, String dumpFile, long size, long totalBytes, String format, String kernel,
                       String crashTime, String signature, String panic, String problem) {
        this(id, host, clientId, state, transport, created, finished, dumpFile, size, totalBytes, format, kernel,
                crashTime, signature, panic, problem, false, false, false, null);
    }

    /** A summary of this collector's own dump (no node named). */
    public DumpSummary(String id, String host, String clientId, DumpState state, String transport, Instant created,
                       Instant finished, String dumpFile, long size, long totalBytes, String format, String kernel,
                       String crashTime, String signature, String panic, String problem, boolean analyzed,
                       boolean granted) {
        this(id, host, clientId, state, transport, created, finished, dumpFile, size, totalBytes, format, kernel,
                crashTime, signature, panic, problem, analyzed, granted, false, null);
    }

    /** The same summary, held by collector {@code n}. */
    public DumpSummary withNode(String n) {
        return new DumpSummary(id, host, clientId, state, transport, created, finished, dumpFile, size, totalBytes,
                format, kernel, crashTime, signature, panic, problem, analyzed, granted, stored, n);
    }

    /** The summary of a manifest (a snapshot or one just read). Never throws on bad times: EPOCH / null. */
    public static DumpSummary of(Manifest m) {
        Manifest.FileEntry main = m.dumpFile == null ? null : m.files.get(m.dumpFile);
        long total = 0;
        for (Manifest.FileEntry f : m.files.values()) {
            total += f.fileSize;
        }
        Map<String, String> inspect = m.inspect == null ? Map.of() : m.inspect;
        Map<String, Object> analysis = m.analysis == null ? Map.of() : m.analysis;
        Instant created = instant(m.created);
        String kernel = inspect.get("kernel") != null ? inspect.get("kernel") : text(analysis.get("kernelRelease"));
        String panic = analysis.get("panicLine") != null ? text(analysis.get("panicLine")) : text(analysis.get("trigger"));
        Transport t = Transport.parse(m.transport);
        Map<String, String> admission = m.admission == null ? Map.of() : m.admission;
        boolean granted = "full".equals(admission.get("decision")) || "reduced".equals(admission.get("decision"));
        String signature = analysis.get("signature") != null ? text(analysis.get("signature")) : admission.get("signature");
        // few distinct values shared by thousands of dumps: one copy each (100,000 dumps in the heap)
        return new DumpSummary(m.id, shared(m.host), m.clientId, m.state == null ? DumpState.INCOMPLETE : m.state,
                shared(t == null ? m.transport : t.label()), created == null ? Instant.EPOCH : created,
                instant(m.finished), shared(m.dumpFile), main == null ? 0 : main.fileSize, total,
                shared(inspect.get("format")), shared(kernel), inspect.get("crashTime"),
                shared(signature), shared(panic), m.problem, m.analysis != null, granted, m.store != null, null);
    }

    private static Instant instant(String s) {
        if (s == null) {
            return null;
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String text(Object o) {
        return o == null ? null : o.toString();
    }

    private static String shared(String s) {
        return s == null ? null : s.intern();
    }
}
