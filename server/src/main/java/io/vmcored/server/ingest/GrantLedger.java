package io.vmcored.server.ingest;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Which dumps of each crash signature were granted a full dump, and when: what the "at most N
 * full dumps per signature per window" rule reads (docs/server.md, "Admission"). The
 * collector's own {@link FullDumpLedger} by default; several collectors sharing a catalog share
 * one ledger, so that two of them granting at once never let more than N through.
 */
public interface GrantLedger {

    /** No window is longer: older grants are forgotten. */
    Duration HORIZON = Duration.ofDays(31);

    /** A grant known from a stored dump (at start); a dump already recorded is not counted twice. */
    void add(String signature, String dump, Instant at);

    /**
     * Grants {@code dump} one of the {@code allowed} full dumps of {@code signature} within
     * {@code window} before {@code now}, atomically: true if it holds one now (also when it held
     * one already), false if the window's grants are used up.
     */
    boolean take(String signature, String dump, int allowed, Duration window, Instant now);

    /** Full dumps of {@code signature} granted within {@code window} before {@code now}. */
    int count(String signature, Duration window, Instant now);

    /** Counts within {@code window}, by signature, for the operator API. */
    Map<String, Integer> counts(Duration window, Instant now);
}
