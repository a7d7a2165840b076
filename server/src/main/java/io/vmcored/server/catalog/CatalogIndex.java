package io.vmcored.server.catalog;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Every dump's {@link DumpSummary}, indexed so that the questions asked per request never
 * walk the whole catalog: by id, by host (with per-state counts and the sender's ids), by
 * state, crash signature and kernel release, each in (created, id) order.
 *
 * <ul>
 *   <li>{@link #byClientId} and {@link #count} are hash look-ups;</li>
 *   <li>{@link #page} with at most one of host, state, signature, kernel (and any time range)
 *       costs O(log n + limit), its total included; with several it walks the smallest of
 *       their sets within the time range.</li>
 * </ul>
 *
 * Thread-safe: a read-write lock, held for O(log n) by writers and for one page by readers,
 * so a page is consistent and may be served on an event loop.
 */
public final class CatalogIndex {

    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, DumpSummary> byId = new HashMap<>();
    private RankedSet all = new RankedSet();
    private final Map<String, HostDumps> hosts = new HashMap<>();
    private final Map<DumpState, RankedSet> states = new EnumMap<>(DumpState.class);
    private final Map<String, RankedSet> signatures = new HashMap<>();
    private final Map<String, RankedSet> kernels = new HashMap<>();

    /** Adds a dump, or replaces the summary of its id (moving it between the sets it changed). */
    public void put(DumpSummary s) {
        lock.writeLock().lock();
        try {
            DumpSummary old = byId.put(s.id(), s);
            if (old != null) {
                unindex(old);
            }
            index(s);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Fills an empty index with every dump at once (start-up): one sort, then every set built
     * in linear time, instead of one O(log n) insert per dump and set.
     */
    public void load(Collection<DumpSummary> summaries) {
        lock.writeLock().lock();
        try {
            if (!byId.isEmpty()) {
                throw new IllegalStateException("load() fills an empty index; it holds " + byId.size() + " dumps");
            }
            List<DumpSummary> sorted = new ArrayList<>(summaries);
            sorted.sort(DumpSummary.ORDER);
            Map<String, List<DumpSummary>> byHost = new HashMap<>();
            Map<DumpState, List<DumpSummary>> byState = new EnumMap<>(DumpState.class);
            Map<String, List<DumpSummary>> bySignature = new HashMap<>();
            Map<String, List<DumpSummary>> byKernel = new HashMap<>();
            List<DumpSummary> distinct = new ArrayList<>(sorted.size());
            for (DumpSummary s : sorted) {
                if (byId.put(s.id(), s) != null) {
                    throw new IllegalArgumentException("dump " + s.id() + " given twice");
                }
                distinct.add(s);
                byHost.computeIfAbsent(s.host(), h -> new ArrayList<>()).add(s);
                byState.computeIfAbsent(s.state(), st -> new ArrayList<>()).add(s);
                if (s.signature() != null) {
                    bySignature.computeIfAbsent(s.signature(), g -> new ArrayList<>()).add(s);
                }
                if (s.kernel() != null) {
                    byKernel.computeIfAbsent(s.kernel(), k -> new ArrayList<>()).add(s);
                }
            }
            all = RankedSet.sorted(distinct);
            byHost.forEach((h, list) -> hosts.put(h, new HostDumps(list)));
            byState.forEach((st, list) -> states.put(st, RankedSet.sorted(list)));
            bySignature.forEach((g, list) -> signatures.put(g, RankedSet.sorted(list)));
            byKernel.forEach((k, list) -> kernels.put(k, RankedSet.sorted(list)));
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Forgets a dump; false if the id was not indexed. */
    public boolean remove(String id) {
        lock.writeLock().lock();
        try {
            DumpSummary old = byId.remove(id);
            if (old != null) {
                unindex(old);
            }
            return old != null;
        } finally {
            lock.writeLock().unlock();
        }
    }

    public Optional<DumpSummary> get(String id) {
        lock.readLock().lock();
        try {
            return Optional.ofNullable(byId.get(id));
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The id of the newest dump of {@code host} whose sender named it {@code clientId}. */
    public Optional<String> byClientId(String host, String clientId) {
        lock.readLock().lock();
        try {
            HostDumps h = hosts.get(host);
            DumpSummary s = h == null || clientId == null ? null : h.newest(clientId);
            return Optional.ofNullable(s).map(DumpSummary::id);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Dumps of {@code host} in {@code state} (steering by how many complete dumps a host has). */
    public long count(String host, DumpState state) {
        lock.readLock().lock();
        try {
            HostDumps h = hosts.get(host);
            return h == null ? 0 : h.count(state);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Whether some dump has this host, signature or kernel release. */
    public boolean knows(DumpQuery.Field field, String value) {
        lock.readLock().lock();
        try {
            return switch (field) {
                case HOST -> hosts.containsKey(value);
                case SIGNATURE -> signatures.containsKey(value);
                case KERNEL -> kernels.containsKey(value);
            };
        } finally {
            lock.readLock().unlock();
        }
    }

    /** One page of the dumps matching {@code q}, newest first (created, then id, descending). */
    public DumpPage page(DumpQuery q) {
        lock.readLock().lock();
        try {
            return new PageWalk(q, candidates(q)).page();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Every host with its counts and newest dump, by name: one entry per host, not per dump. */
    public List<HostSummary> hosts() {
        lock.readLock().lock();
        try {
            List<HostSummary> out = new ArrayList<>(hosts.size());
            hosts.forEach((name, h) -> out.add(h.summary(name)));
            out.sort(Comparator.comparing(HostSummary::host));
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Every dump, oldest first (retention). */
    public List<DumpSummary> all() {
        lock.readLock().lock();
        try {
            List<DumpSummary> out = new ArrayList<>(all.size());
            all.addAllTo(out);
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }

    public int size() {
        lock.readLock().lock();
        try {
            return byId.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The set of every field filter of {@code q} (all dumps if none); null if one of them has no dump. */
    private List<RankedSet> candidates(DumpQuery q) {
        List<RankedSet> sets = new ArrayList<>(4);
        if (q.host() != null) {
            HostDumps h = hosts.get(q.host());
            sets.add(h == null ? null : h.dumps);
        }
        if (q.state() != null) {
            sets.add(states.get(q.state()));
        }
        if (q.signature() != null) {
            sets.add(signatures.get(q.signature()));
        }
        if (q.kernel() != null) {
            sets.add(kernels.get(q.kernel()));
        }
        if (sets.contains(null)) {
            return null;
        }
        return sets.isEmpty() ? List.of(all) : sets;
    }

    private void index(DumpSummary s) {
        all.add(s);
        hosts.computeIfAbsent(s.host(), h -> new HostDumps()).add(s);
        states.computeIfAbsent(s.state(), st -> new RankedSet()).add(s);
        if (s.signature() != null) {
            signatures.computeIfAbsent(s.signature(), g -> new RankedSet()).add(s);
        }
        if (s.kernel() != null) {
            kernels.computeIfAbsent(s.kernel(), k -> new RankedSet()).add(s);
        }
    }

    private void unindex(DumpSummary s) {
        all.remove(s);
        HostDumps h = hosts.get(s.host());
        if (h != null) {
            h.remove(s);
            if (h.isEmpty()) {
                hosts.remove(s.host());
            }
        }
        states.get(s.state()).remove(s);
        removeFrom(signatures, s.signature(), s);
        removeFrom(kernels, s.kernel(), s);
    }

    private static void removeFrom(Map<String, RankedSet> sets, String key, DumpSummary s) {
        RankedSet set = key == null ? null : sets.get(key);
        if (set != null) {
            set.remove(s);
            if (set.isEmpty()) {
                sets.remove(key);
            }
        }
    }

    /** One page: the time range and cursor applied to the smallest candidate set, the other filters tested per dump. */
    private static final class PageWalk {
        private final DumpQuery q;
        private final List<RankedSet> sets;
        /** Exclusive upper position of the time range: (until + 1 ns, before any id); null = none. */
        private final Instant upper;

        PageWalk(DumpQuery q, List<RankedSet> sets) {
            this.q = q;
            this.sets = sets;
            this.upper = q.until() == null || q.until().equals(Instant.MAX) ? null : q.until().plusNanos(1);
        }

        DumpPage page() {
            if (sets == null) {
                return DumpPage.empty();
            }
            RankedSet walk = sets.get(0);
            for (RankedSet s : sets) {
                if (inRange(s) < inRange(walk)) {
                    walk = s;
                }
            }
            long total = sets.size() == 1 && q.text() == null ? inRange(walk) : countMatches(walk);
            List<DumpSummary> items = new ArrayList<>(Math.min(q.limit(), (int) Math.min(total, Integer.MAX_VALUE)));
            Iterator<DumpSummary> it = from(walk);
            String next = null;
            while (it.hasNext()) {
                DumpSummary s = it.next();
                if (q.since() != null && s.created().isBefore(q.since())) {
                    break;
                }
                if (!q.matches(s)) {
                    continue;
                }
                if (items.size() == q.limit()) {
                    next = PageCursor.after(items.get(items.size() - 1)).encode();
                    break;
                }
                items.add(s);
            }
            return new DumpPage(items, total, next);
        }

        /** Dumps of {@code s} inside the time range, O(log n). */
        private long inRange(RankedSet s) {
            int below = upper == null ? s.size() : s.countBelow(upper, null);
            return q.since() == null ? below : below - s.countBelow(q.since(), null);
        }

        private long countMatches(RankedSet s) {
            long n = 0;
            for (Iterator<DumpSummary> it = s.descendingBelow(upper, null); it.hasNext(); ) {
                DumpSummary d = it.next();
                if (q.since() != null && d.created().isBefore(q.since())) {
                    break;
                }
                if (q.matches(d)) {
                    n++;
                }
            }
            return n;
        }

        /** Newest first from below the cursor or the range's end, whichever is lower. */
        private Iterator<DumpSummary> from(RankedSet s) {
            PageCursor c = q.cursor();
            if (c == null) {
                return s.descendingBelow(upper, null);
            }
            if (upper != null && !c.created().isBefore(upper)) {
                return s.descendingBelow(upper, null);
            }
            return s.descendingBelow(c.created(), c.id());
        }
    }
}
