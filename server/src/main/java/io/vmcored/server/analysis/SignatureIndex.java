package io.vmcored.server.analysis;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Dumps grouped by crash signature. Rebuilt at start from the catalog's summaries (and one
 * report per group, for its headline), updated by each analysis; a dump analyzed again (a resumed upload) moves to
 * its new group instead of counting twice. Memory: one entry per analyzed dump, like the
 * catalog itself. Thread-safe.
 */
final class SignatureIndex {

    /** Hosts and kernels listed per group in the API (the counts stay exact). */
    static final int MAX_LISTED = 100;

    private final Map<String, Group> groups = new HashMap<>();
    private final Map<String, String> byDump = new HashMap<>();

    /**
     * Files dump {@code id} of {@code host} (arrived at {@code seen}) under its report's
     * signature; true when that signature was never seen before.
     */
    synchronized boolean add(String id, String host, Instant seen, CrashReport r) {
        return add(id, host, seen, r == null ? null : r.signature(), r == null ? null : r.kernelRelease(), r);
    }

    /**
     * Files a dump known by its summary only (at start): {@code sample} may be null, and the
     * newest dump's report of each group is then given with {@link #sample} before the groups are listed.
     */
    synchronized boolean add(String id, String host, Instant seen, String signature, String kernel, CrashReport sample) {
        remove(id);
        if (signature == null) {
            return false;
        }
        Group g = groups.get(signature);
        boolean fresh = g == null;
        if (fresh) {
            g = new Group(signature);
            groups.put(signature, g);
        }
        g.dumps.put(id, new Entry(host, seen, kernel));
        if (g.sampleId == null || !seen.isBefore(g.sampleSeen)) {
            g.sample = sample;
            g.sampleSeen = seen;
            g.sampleId = id;
        }
        byDump.put(id, signature);
        return fresh;
    }

    /** The groups whose newest dump's report is not loaded yet: signature -> that dump's id. */
    synchronized Map<String, String> samplesMissing() {
        Map<String, String> out = new HashMap<>();
        for (Group g : groups.values()) {
            if (g.sample == null) {
                out.put(g.signature, g.sampleId);
            }
        }
        return out;
    }

    /** Gives group {@code signature} the report of its newest dump {@code id} (if that is still its newest). */
    synchronized void sample(String signature, String id, CrashReport r) {
        Group g = groups.get(signature);
        if (g != null && id.equals(g.sampleId) && r != null) {
            g.sample = r;
        }
    }

    /** Forgets a deleted dump. */
    synchronized void forget(String id) {
        remove(id);
    }

    /** Dumps in the group of {@code signature}, 0 if none. */
    synchronized int count(String signature) {
        Group g = signature == null ? null : groups.get(signature);
        return g == null ? 0 : g.dumps.size();
    }

    synchronized int size() {
        return groups.size();
    }

    /** All groups, most dumps first, then most recent. */
    synchronized List<SignatureGroup> groups() {
        List<SignatureGroup> out = new ArrayList<>();
        for (Group g : groups.values()) {
            if (g.sample != null) {
                out.add(g.view());
            }
        }
        out.sort(Comparator.comparingInt(SignatureGroup::count).reversed()
                .thenComparing(SignatureGroup::lastSeen, Comparator.reverseOrder())
                .thenComparing(SignatureGroup::signature));
        return out;
    }

    private void remove(String id) {
        String sig = byDump.remove(id);
        if (sig == null) {
            return;
        }
        Group g = groups.get(sig);
        g.dumps.remove(id);
        if (g.dumps.isEmpty()) {
            groups.remove(sig);
        }
    }

    private record Entry(String host, Instant seen, String kernel) {
    }

    private static final class Group {
        final String signature;
        final Map<String, Entry> dumps = new HashMap<>();
        CrashReport sample;
        Instant sampleSeen;
        String sampleId;

        Group(String signature) {
            this.signature = signature;
        }

        SignatureGroup view() {
            Instant first = null;
            Instant last = null;
            String lastId = null;
            Map<String, Integer> hosts = new TreeMap<>();
            Map<String, Integer> kernels = new TreeMap<>();
            for (Map.Entry<String, Entry> d : dumps.entrySet()) {
                Entry e = d.getValue();
                first = first == null || e.seen.isBefore(first) ? e.seen : first;
                if (last == null || e.seen.isAfter(last) || (e.seen.equals(last) && d.getKey().compareTo(lastId) > 0)) {
                    last = e.seen;
                    lastId = d.getKey();
                }
                hosts.merge(e.host, 1, Integer::sum);
                if (e.kernel != null) {
                    kernels.merge(e.kernel, 1, Integer::sum);
                }
            }
            return new SignatureGroup(signature, dumps.size(), String.valueOf(first), String.valueOf(last),
                    hosts.size(), head(hosts), head(kernels), sample.headline(), sample.trigger(),
                    sample.faultingFunction(), sample.topFrames(), lastId);
        }

        private static List<String> head(Map<String, Integer> m) {
            List<String> out = new ArrayList<>();
            for (Iterator<String> it = m.keySet().iterator(); it.hasNext() && out.size() < MAX_LISTED; ) {
                out.add(it.next());
            }
            return out;
        }
    }
}
