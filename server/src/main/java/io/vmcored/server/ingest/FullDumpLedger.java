package io.vmcored.server.ingest;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The collector's own {@link GrantLedger}, in memory. Filled at start from the dumps already
 * stored and then by every grant, before the dump arrives, so that a thousand hosts asking at
 * once are counted as they ask. Memory: one entry per full dump of the last {@link #HORIZON}.
 */
public final class FullDumpLedger implements GrantLedger {

    /** Signature -> dump -> when it was granted. */
    private final Map<String, Map<String, Instant>> grants = new HashMap<>();

    @Override
    public synchronized void add(String signature, String dump, Instant at) {
        grants.computeIfAbsent(signature, s -> new LinkedHashMap<>()).putIfAbsent(dump, at);
    }

    @Override
    public synchronized boolean take(String signature, String dump, int allowed, Duration window, Instant now) {
        Map<String, Instant> of = grants.get(signature);
        if (of != null && of.containsKey(dump)) {
            return true;
        }
        if (count(signature, window, now) >= allowed) {
            return false;
        }
        add(signature, dump, now);
        return true;
    }

    @Override
    public synchronized int count(String signature, Duration window, Instant now) {
        Map<String, Instant> of = grants.get(signature);
        if (of == null) {
            return 0;
        }
        Instant forgotten = now.minus(HORIZON);
        of.values().removeIf(i -> i.isBefore(forgotten));
        Instant from = now.minus(window);
        return (int) of.values().stream().filter(i -> !i.isBefore(from)).count();
    }

    @Override
    public synchronized Map<String, Integer> counts(Duration window, Instant now) {
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
