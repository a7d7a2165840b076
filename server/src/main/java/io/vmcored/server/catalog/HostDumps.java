package io.vmcored.server.catalog;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dumps of one host as {@link CatalogIndex} keeps them: in time order, counted per state
 * (steering asks "how many complete dumps does this host have" on every handshake), and by
 * the id the sender chose (resume looks the newest one up on every handshake). Not
 * thread-safe: the index guards it.
 */
final class HostDumps {

    final RankedSet dumps;
    private final int[] perState = new int[DumpState.values().length];
    /** Sender's id -> its dumps oldest first; almost always one, a sender may reuse an id. */
    private Map<String, List<DumpSummary>> byClientId;

    HostDumps() {
        dumps = new RankedSet();
    }

    /** A host's dumps at start-up, all at once ({@code ascending}: oldest first). */
    HostDumps(List<DumpSummary> ascending) {
        dumps = RankedSet.sorted(ascending);
        for (DumpSummary s : ascending) {
            perState[s.state().ordinal()]++;
            addClientId(s);
        }
    }

    void add(DumpSummary s) {
        dumps.add(s);
        perState[s.state().ordinal()]++;
        addClientId(s);
    }

    /** Files {@code s} under its sender's id, keeping that id's dumps oldest first. */
    private void addClientId(DumpSummary s) {
        if (s.clientId() == null) {
            return;
        }
        if (byClientId == null) {
            byClientId = new HashMap<>();
        }
        List<DumpSummary> same = byClientId.get(s.clientId());
        if (same == null) {
            byClientId.put(s.clientId(), List.of(s));
        } else {
            List<DumpSummary> more = new ArrayList<>(same.size() + 1);
            more.addAll(same);
            more.add(s);
            more.sort(DumpSummary.ORDER);
            byClientId.put(s.clientId(), List.copyOf(more));
        }
    }

    void remove(DumpSummary s) {
        dumps.remove(s);
        perState[s.state().ordinal()]--;
        if (s.clientId() != null && byClientId != null) {
            List<DumpSummary> same = byClientId.get(s.clientId());
            if (same != null) {
                List<DumpSummary> rest = same.stream().filter(x -> !x.id().equals(s.id())).toList();
                if (rest.isEmpty()) {
                    byClientId.remove(s.clientId());
                } else {
                    byClientId.put(s.clientId(), rest);
                }
            }
        }
    }

    boolean isEmpty() {
        return dumps.isEmpty();
    }

    int count(DumpState state) {
        return perState[state.ordinal()];
    }

    /** What the hosts listing shows of {@code host}: counts and the newest dump. */
    HostSummary summary(String host) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (DumpState st : DumpState.values()) {
            counts.put(st.wire(), perState[st.ordinal()]);
        }
        Iterator<DumpSummary> newest = dumps.descendingBelow(null, null);
        return new HostSummary(host, dumps.size(), counts, newest.hasNext() ? newest.next() : null);
    }

    /** The newest dump the sender named {@code clientId}, or null. */
    DumpSummary newest(String clientId) {
        List<DumpSummary> same = byClientId == null ? null : byClientId.get(clientId);
        return same == null ? null : same.get(same.size() - 1);
    }
}
