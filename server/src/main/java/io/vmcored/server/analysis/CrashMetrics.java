package io.vmcored.server.analysis;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Crash meters (docs/metrics.md, "Crash analysis and events"). Cardinality is bounded:
 * {@code vmcored_crashes_total} has one series per signature among the top N groups by
 * dump count, plus {@code signature_group="other"} for all the rest.
 */
final class CrashMetrics {

    static final String SIGNATURES = "vmcored.crash.signatures";
    static final String ANALYZED = "vmcored.dumps.analyzed";
    static final String DROPPED = "vmcored.analysis.dropped";
    static final String DURATION = "vmcored.analysis.duration";
    static final String CRASHES = "vmcored.crashes";
    static final String OTHER = "other";

    private final MeterRegistry registry;
    private final int topN;
    private final Counter dropped;
    private final Timer duration;
    private final Map<String, AtomicLong> crashCounts = new HashMap<>();
    private final Map<String, FunctionCounter> crashMeters = new HashMap<>();

    CrashMetrics(MeterRegistry registry, SignatureIndex index, int topN) {
        this.registry = registry;
        this.topN = topN;
        Gauge.builder(SIGNATURES, index, SignatureIndex::size)
                .description("Distinct crash signature groups among stored dumps").register(registry);
        for (String o : new String[] {CrashReport.COMPLETE, CrashReport.PARTIAL, CrashReport.FAILED}) {
            analyzed(o);
        }
        dropped = Counter.builder(DROPPED).description("Dumps not analyzed because the analysis queue was full")
                .register(registry);
        duration = Timer.builder(DURATION).description("Kernel log extraction and crash analysis of one dump")
                .register(registry);
        crashSlot(OTHER);
    }

    void analyzed(String outcome, long millis) {
        analyzed(outcome).increment();
        duration.record(Duration.ofMillis(millis));
    }

    void dropped() {
        dropped.increment();
    }

    /** Sets the crash counters from the groups (sorted by count): the top N by name, the rest summed as "other". */
    synchronized void crashes(List<SignatureGroup> groups) {
        Set<String> keep = new HashSet<>();
        keep.add(OTHER);
        long other = 0;
        for (int i = 0; i < groups.size(); i++) {
            SignatureGroup g = groups.get(i);
            if (i < topN) {
                keep.add(g.signature());
                crashSlot(g.signature()).set(g.count());
            } else {
                other += g.count();
            }
        }
        crashSlot(OTHER).set(other);
        for (String label : Set.copyOf(crashMeters.keySet())) {
            if (!keep.contains(label)) {
                // a group that left the top N now counts in "other": its own series goes away
                registry.remove(crashMeters.remove(label));
                crashCounts.remove(label);
            }
        }
    }

    private AtomicLong crashSlot(String label) {
        return crashCounts.computeIfAbsent(label, l -> {
            AtomicLong v = new AtomicLong();
            crashMeters.put(l, FunctionCounter.builder(CRASHES, v, AtomicLong::doubleValue)
                    .description("Stored dumps by crash signature group (top groups, the rest as other)")
                    .tag("signature_group", l).register(registry));
            return v;
        });
    }

    private Counter analyzed(String outcome) {
        return Counter.builder(ANALYZED).description("Dumps analyzed, by how much of the kernel log was read")
                .tag("outcome", outcome).register(registry);
    }
}
