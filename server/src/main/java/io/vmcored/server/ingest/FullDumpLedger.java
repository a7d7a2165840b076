package io.vmcored.server.ingest;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * When each crash signature was granted a full dump: the count the "at most N full dumps per
 * signature per window" rule reads. Filled at start from the dumps already stored and then by
 * every grant, before the dump arrives, so that a thousand hosts asking at once are counted as
 * they ask. Memory: one instant per full dump of the last {@link #HORIZON}.
 */
final class FullDumpLedger {

    /** No window is longer: older grants are forgotten. */
    static final Duration HORIZON = Duration.ofDays(31);

    private final Map<String, List<Instant>> grants = new HashMap<>();

    synchronized void add(String signature, Instant at) {
        grants.computeIfAbsent(signature, s -> new ArrayList<>()).add(at);
    }

    /** Full dumps of {@code signature} granted within {@code window} before {@code now}. */
    synchronized int count(String signature, Duration window, Instant now) {
        List<Instant> list = grants.get(signature);
        if (list == null) {
            return 0;
        }
        Instant forgotten = now.minus(HORIZON);
        list.removeIf(i -> i.isBefore(forgotten));
        Instant from = now.minus(window);
        return (int) list.stream().filter(i -> !i.isBefore(from)).count();
    }

    /** Counts within {@code window}, by signature, for the operator API. */
    synchronized Map<String, Integer> counts(Duration window, Instant now) {
        Map<String, Integer> out = new TreeMap<>();
        for (String s : List.copyOf(grants.keySet())) {
            int n = count(s, window, now);
            if (n > 0) {
                out.put(s, n);
            }
        }
        return out;
    }
}
