package io.vmcored.server.analysis;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Dumps grouped by crash signature. Rebuilt at start from the catalog's summaries (and one
 * report per group, for its headline), updated by each analysis; a dump analyzed again (a resumed upload) moves to
 * its new group instead of counting twice. Memory: one entry per analyzed dump, like the
 * catalog itself; listing the groups costs what the groups are, not their dumps. Thread-safe.
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
        g.add(id, new Entry(host, seen, kernel));
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
        g.remove(id);
        if (g.dumps.isEmpty()) {
            groups.remove(sig);
        }
    }

    private record Entry(String host, Instant seen, String kernel) {
    }

    /**
     * One signature's dumps and its running aggregates (hosts, kernels, first and last seen),
     * kept up to date on every change so that listing the groups never walks their dumps.
     */
    private static final class Group {
        final String signature;
        final Map<String, Entry> dumps = new HashMap<>();
        final TreeMap<String, Integer> hosts = new TreeMap<>();
        final TreeMap<String, Integer> kernels = new TreeMap<>();
        final TreeSet<Seen> seen = new TreeSet<>();
        CrashReport sample;
        Instant sampleSeen;
        String sampleId;

        Group(String signature) {
            this.signature = signature;
        }

        void add(String id, Entry e) {
            dumps.put(id, e);
            hosts.merge(e.host, 1, Integer::sum);
            if (e.kernel != null) {
                kernels.merge(e.kernel, 1, Integer::sum);
            }
            seen.add(new Seen(e.seen, id));
        }

        void remove(String id) {
            Entry e = dumps.remove(id);
            if (e == null) {
                return;
            }
            decrement(hosts, e.host);
            if (e.kernel != null) {
                decrement(kernels, e.kernel);
            }
            seen.remove(new Seen(e.seen, id));
        }

        SignatureGroup view() {
            Seen first = seen.first();
            Seen last = seen.last();
            return new SignatureGroup(signature, dumps.size(), first.at.toString(), last.at.toString(),
                    hosts.size(), head(hosts), head(kernels), sample.headline(), sample.trigger(),
                    sample.faultingFunction(), sample.topFrames(), last.id);
        }

        private static void decrement(Map<String, Integer> counts, String key) {
            counts.computeIfPresent(key, (k, n) -> n == 1 ? null : n - 1);
        }

        private static List<String> head(TreeMap<String, Integer> m) {
            List<String> out = new ArrayList<>();
            for (Iterator<String> it = m.keySet().iterator(); it.hasNext() && out.size() < MAX_LISTED; ) {
                out.add(it.next());
            }
            return out;
        }
    }

    /** When a dump arrived, ordered by time then id (the newest of one second is the greatest id). */
    private record Seen(Instant at, String id) implements Comparable<Seen> {
        @Override
        public int compareTo(Seen o) {
            int c = at.compareTo(o.at);
            return c != 0 ? c : id.compareTo(o.id);
        }
    }
}
