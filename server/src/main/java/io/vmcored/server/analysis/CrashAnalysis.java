package io.vmcored.server.analysis;

import io.micrometer.core.instrument.MeterRegistry;
import io.vmcored.server.catalog.DumpCatalog;
import io.vmcored.server.catalog.DumpListener;
import io.vmcored.server.catalog.DumpRecord;
import io.vmcored.server.catalog.DumpState;
import io.vmcored.server.catalog.DumpSummary;
import io.vmcored.server.catalog.Manifest;
import io.vmcored.server.config.CrashSettings;
import io.vmcored.server.events.BoundedExecutor;
import io.vmcored.server.events.DumpEvent;
import io.vmcored.server.events.EventHooks;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Post-ingest crash analysis: when a dump ends (complete or incomplete) it is queued on
 * this component's own bounded executor, never on an event loop or the file executor;
 * a full queue drops the analysis (counted, logged) rather than slowing ingest. Each
 * analysis writes {@code dmesg.txt}, records a {@link CrashReport} in the manifest,
 * files the dump in the {@link SignatureIndex}, updates the metrics and fires the
 * events (dump-completed / dump-failed after the analysis, so they carry the crash;
 * new-signature for a group never seen before).
 */
public final class CrashAnalysis implements DumpListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CrashAnalysis.class);

    private final DumpCatalog catalog;
    private final SignatureIndex index = new SignatureIndex();
    private final CrashMetrics metrics;
    private final EventHooks events;
    private final BoundedExecutor executor;
    /** Dumps waiting in the queue: a dump that ends again before its run starts is not queued twice. */
    private final Set<String> waiting = ConcurrentHashMap.newKeySet();
    /** Told of each dump once its analysis is recorded (the console's live view); must not block. */
    private volatile Consumer<DumpRecord> analyzed = r -> { };
    private volatile UnaryOperator<List<SignatureGroup>> view = UnaryOperator.identity();

    private CrashAnalysis(CrashSettings s, DumpCatalog catalog, MeterRegistry registry) {
        this.catalog = catalog;
        this.metrics = new CrashMetrics(registry, index, s.topSignatures);
        this.events = new EventHooks(s, registry);
        this.executor = s.analysisEnabled ? new BoundedExecutor("analysis", s.analysisThreads, s.analysisQueue) : null;
    }

    /** Takes the event hooks' settings of a reload; analysis threads and queue stay as started. */
    public void reconfigure(CrashSettings s) {
        events.reconfigure(s);
    }

    /** Rebuilds the signature index from the manifests and starts listening to the catalog. */
    public static CrashAnalysis start(CrashSettings s, DumpCatalog catalog, MeterRegistry registry) {
        CrashAnalysis a = new CrashAnalysis(s, catalog, registry);
        int analyzed = 0;
        List<DumpRecord> pending = new ArrayList<>();
        for (DumpRecord r : catalog.list(r -> true)) {
            DumpSummary d = r.summary();
            if (d.analyzed()) {
                analyzed++;
                a.index.add(d.id(), d.host(), d.created(), d.signature(), d.kernel(), null);
            } else if (d.state() == DumpState.COMPLETE || d.state() == DumpState.INCOMPLETE) {
                pending.add(r);
            }
        }
        // one report per group, for its headline and frames: not one manifest per dump
        a.index.samplesMissing().forEach((signature, id) -> catalog.get(id).ifPresent(r -> {
            try {
                a.index.sample(signature, id, CrashReport.fromManifest(r.snapshot().analysis));
            } catch (RuntimeException e) {
                LOG.warn("signature {}: cannot read the report of dump {} ({})", signature, id, e.getMessage());
            }
        }));
        a.metrics.crashes(a.index.groups());
        catalog.listener(a);
        int queued = 0;
        for (DumpRecord r : pending) {
            // dumps stored before analysis existed, or recovered at this start: analyzed quietly (no events)
            if (a.executor != null && a.waiting.add(r.id())) {
                if (a.executor.offer(() -> a.run(r, false))) {
                    queued++;
                } else {
                    a.waiting.remove(r.id());
                }
            }
        }
        LOG.info("crash signatures rebuilt from {} analyzed dumps: {} groups; analysis {}; {} unanalyzed dumps queued",
                analyzed, a.index.size(), s.analysisEnabled ? "on, " + s.analysisThreads + " threads" : "off", queued);
        return a;
    }

    /** Who hears of each finished analysis, on the analysis thread: it must only hand the news on. */
    public void onAnalyzed(Consumer<DumpRecord> watcher) {
        analyzed = watcher;
    }

    /** Signature groups of the dumps in the spool, most dumps first (or as {@link #view} shows them). */
    public List<SignatureGroup> signatures() {
        return view.apply(index.groups());
    }

    /**
     * What {@link #signatures()} shows, given this spool's groups: a catalog shared by several
     * collectors shows the whole fleet's, with this spool's reports where it has them.
     */
    public void view(UnaryOperator<List<SignatureGroup>> v) {
        view = v;
    }

    @Override
    public void deleted(DumpRecord record) {
        index.forget(record.id());
    }

    @Override
    public void started(DumpRecord record) {
        events.fire(EventFactory.of(DumpEvent.STARTED, record, record.snapshot(), null, null));
    }

    @Override
    public void finished(DumpRecord record, DumpState state) {
        if (state == DumpState.REJECTED || executor == null) {
            fireEnd(record, record.snapshot(), null);
            return;
        }
        if (!waiting.add(record.id())) {
            return; // the queued run has not started: it will read this newer state
        }
        if (!executor.offer(() -> run(record, true))) {
            waiting.remove(record.id());
            metrics.dropped();
            LOG.warn("analysis host={} id={} outcome=dropped (analysis queue full: raise analysis.queue or "
                    + "analysis.threads)", record.host(), record.id());
            fireEnd(record, record.snapshot(), null);
        }
    }

    private void run(DumpRecord record, boolean fire) {
        waiting.remove(record.id());
        if (record.state() == DumpState.RECEIVING || catalog.get(record.id()).isEmpty()) {
            return; // resumed (its end queues a new run) or deleted meanwhile
        }
        long t0 = System.nanoTime();
        CrashReport report;
        try {
            report = DumpAnalyzer.analyze(record);
        } catch (IOException | RuntimeException e) {
            report = CrashReport.failed("analysis: " + e, (System.nanoTime() - t0) / 1_000_000);
        }
        CrashReport stored = report;
        if (catalog.get(record.id()).isEmpty()) {
            return; // deleted by retention while analyzed: writing its manifest again would resurrect it
        }
        try {
            record.update(m -> m.analysis = stored.toManifest());
        } catch (IOException e) {
            LOG.warn("analysis host={} id={}: cannot write the manifest ({})", record.host(), record.id(), e.getMessage());
        }
        Manifest m = record.snapshot();
        if (catalog.get(record.id()).isEmpty()) {
            return; // deleted meanwhile
        }
        boolean fresh = index.add(m.id, m.host, seen(m), report);
        metrics.analyzed(report.outcome(), report.millis());
        metrics.crashes(index.groups());
        analyzed.accept(record);
        LOG.info("analysis host={} id={} outcome={} records={} source={} signature={}{} millis={}{}", m.host, m.id,
                report.outcome(), report.records(), report.source() == null ? "-" : report.source(),
                report.signature() == null ? "-" : report.signature(),
                report.crash() ? " panic=\"" + report.headline() + "\"" : "", report.millis(),
                report.problems().isEmpty() ? "" : " problems=\"" + String.join("; ", report.problems()) + "\"");
        if (!fire) {
            return;
        }
        fireEnd(record, m, report);
        if (fresh) {
            events.fire(EventFactory.of(DumpEvent.NEW_SIGNATURE, record, m, report, index.count(report.signature())));
        }
    }

    private void fireEnd(DumpRecord record, Manifest m, CrashReport r) {
        String event = m.state == DumpState.COMPLETE ? DumpEvent.COMPLETED : DumpEvent.FAILED;
        events.fire(EventFactory.of(event, record, m, r, r == null ? null : index.count(r.signature())));
    }

    private static Instant seen(Manifest m) {
        try {
            return m.created == null ? Instant.EPOCH : Instant.parse(m.created);
        } catch (RuntimeException e) {
            return Instant.EPOCH;
        }
    }

    /** Stops listening, lets queued analyses and hooks finish (bounded), then stops the executors. */
    @Override
    public void close() {
        catalog.listener(DumpListener.NONE);
        if (executor != null) {
            executor.close(60);
        }
        events.close();
    }
}
