package io.vmcored.server.analysis;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.vmcored.server.catalog.ManifestIo;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the analysis found in one dump, stored as the manifest's {@code analysis} object
 * and served with it by {@code GET /api/v1/dumps/{id}}.
 *
 * @param outcome          complete (whole log read), partial (some records or pages missing), failed (no log)
 * @param source           "dump" (extracted from the dump), "client" (the sender's own kernel log file), or null
 * @param dmesgFile        file in the dump directory holding the log the summary came from
 * @param clientDmesg      the sender's own kernel log file, kept as sent, or null
 * @param records          log records read from the dump
 * @param logFormat        lockless, printk_log or log_buf
 * @param problems         what could not be read
 * @param crash            true when the log shows a crash (trigger line found)
 * @param trigger          first crash line (BUG:, Oops:, general protection fault, Kernel panic ...)
 * @param panicLine        the "Kernel panic - not syncing: ..." line
 * @param faultingFunction RIP function, else first frame past the panic helpers
 * @param topFrames        first call-trace frames, offsets removed
 * @param kernelRelease    uname -r of the crashed kernel
 * @param uptime           seconds since boot at the trigger line, as printed
 * @param signature        crash signature (16 hex digits): the group key of /api/v1/signatures
 * @param analyzed         ISO-8601 time of the analysis
 * @param millis           time the analysis took
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record CrashReport(String outcome, String source, String dmesgFile, String clientDmesg, int records,
                          String logFormat, List<String> problems, boolean crash, String trigger, String panicLine,
                          String faultingFunction, String rip, List<String> topFrames, String kernelRelease,
                          String uptime, String signature, String analyzed, long millis) {

    public static final String COMPLETE = "complete";
    public static final String PARTIAL = "partial";
    public static final String FAILED = "failed";

    /** The report of an analysis that could not run at all (a bug, or the dump vanished under it). */
    static CrashReport failed(String problem, long millis) {
        return new CrashReport(FAILED, null, null, null, 0, null, List.of(problem), false, null, null, null, null,
                null, null, null, null, Instant.now().toString(), millis);
    }

    /** The panic line, else the trigger: the line an operator reads first. */
    public String headline() {
        return panicLine != null ? panicLine : trigger;
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> toManifest() {
        return ManifestIo.json().convertValue(this, Map.class);
    }

    /** The report stored in a manifest, or null (never analyzed, or written by another version and unreadable). */
    static CrashReport fromManifest(Map<String, Object> analysis) {
        if (analysis == null) {
            return null;
        }
        try {
            return ManifestIo.json().convertValue(analysis, CrashReport.class);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
