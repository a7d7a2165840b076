package io.vmcored.server.analysis;

import java.util.List;

/**
 * One crash signature group as {@code GET /api/v1/signatures} shows it.
 *
 * @param signature        the group key (docs/formats.md, "Crash summary and signature")
 * @param count            dumps in the spool with this signature
 * @param firstSeen        arrival of the oldest of them (ISO-8601)
 * @param lastSeen         arrival of the newest
 * @param hostCount        distinct hosts
 * @param hosts            those hosts, sorted, at most {@link SignatureIndex#MAX_LISTED}
 * @param kernels          kernel releases seen, sorted, at most {@link SignatureIndex#MAX_LISTED}
 * @param panicLine        sample panic line (else the trigger line) of the newest dump
 * @param trigger          sample trigger line
 * @param faultingFunction sample faulting function
 * @param topFrames        the frames the signature was computed from
 * @param lastDump         id of the newest dump
 */
public record SignatureGroup(String signature, int count, String firstSeen, String lastSeen, int hostCount,
                             List<String> hosts, List<String> kernels, String panicLine, String trigger,
                             String faultingFunction, List<String> topFrames, String lastDump) {
}
