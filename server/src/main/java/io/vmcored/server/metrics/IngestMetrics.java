package io.vmcored.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vmcored.protocol.rearrange.StreamReceiver.Outcome;
import io.vmcored.server.catalog.DumpState;
import io.vmcored.server.catalog.Transport;
import io.vmcored.server.catalog.UploadObserver;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The meters of docs/metrics.md. Labels are transport, outcome and reason only: never a
 * host name, fleets are large.
 */
public final class IngestMetrics implements UploadObserver {

    public static final String IN_FLIGHT = "vmcored.uploads.in.flight";
    public static final String FINISHED = "vmcored.uploads.finished";
    public static final String BYTES = "vmcored.received";
    public static final String DURATION = "vmcored.upload.duration";
    public static final String SIZE = "vmcored.dump.size";
    public static final String SPOOL_FREE = "vmcored.spool.free";
    public static final String REFUSED = "vmcored.uploads.refused";
    public static final String RESUMES = "vmcored.upload.resumes";
    public static final String CONNECTIONS = "vmcored.connections.open";
    public static final String BUFFERED = "vmcored.ingest.buffered";
    public static final String AUTH_FAILURES = "vmcored.auth.failures";
    public static final String ADMISSION = "vmcored.admission.decisions";

    private final MeterRegistry registry;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final Map<Transport, Counter> bytes = new ConcurrentHashMap<>();

    public IngestMetrics(MeterRegistry registry, LongSupplier spoolFree) {
        this.registry = registry;
        Gauge.builder(IN_FLIGHT, inFlight, AtomicInteger::get)
                .description("Uploads being received now").register(registry);
        Gauge.builder(CONNECTIONS, connections, AtomicInteger::get)
                .description("Open ingest connections (TCP and HTTP)").register(registry);
        Gauge.builder(SPOOL_FREE, spoolFree, s -> s.getAsLong())
                .description("Usable bytes in the spool file system").baseUnit("bytes").strongReference(true)
                .register(registry);
        for (String reason : new String[] {"disk_low", "unauthorized", "bad_request", "resume_mismatch", "busy", "not_a_dump"}) {
            refusedCounter(reason);
        }
    }

    /** Open TCP ingest and HTTP connections now. */
    public int connections() {
        return connections.get();
    }

    /** Uploads being received now. */
    public int inFlight() {
        return inFlight.get();
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Exposes the bytes all connections hold while they wait for the disk. */
    public void buffered(LongSupplier queued) {
        Gauge.builder(BUFFERED, queued, s -> s.getAsLong())
                .description("Received bytes waiting for the disk, all connections").baseUnit("bytes")
                .strongReference(true).register(registry);
    }

    @Override
    public void started(Transport transport, boolean resumed) {
        inFlight.incrementAndGet();
        if (resumed) {
            Counter.builder(RESUMES).description("Uploads continued from a committed offset")
                    .tag("transport", transport.label()).register(registry).increment();
        }
    }

    @Override
    public void bytes(Transport transport, long n) {
        bytes.computeIfAbsent(transport, t -> Counter.builder(BYTES).baseUnit("bytes")
                .description("Stream bytes received").tag("transport", t.label()).register(registry)).increment(n);
    }

    @Override
    public void finished(Transport transport, DumpState state, Outcome o, long millis) {
        inFlight.decrementAndGet();
        Counter.builder(FINISHED).description("Uploads finished, by outcome")
                .tag("transport", transport.label()).tag("outcome", state.wire()).register(registry).increment();
        Timer.builder(DURATION).description("Time from first to last byte of an upload")
                .tag("transport", transport.label()).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(10)).maximumExpectedValue(Duration.ofHours(2))
                .register(registry).record(Duration.ofMillis(millis));
        if (o.fileSize() >= 0) {
            DistributionSummary.builder(SIZE).baseUnit("bytes").description("Size of stored files")
                    .publishPercentileHistogram().minimumExpectedValue(4096.0).maximumExpectedValue(1e13)
                    .register(registry).record(o.fileSize());
        }
    }

    /** An upload refused before it started; {@code reason} is one of disk_low, unauthorized, bad_request, resume_mismatch, busy, not_a_dump. */
    public void refused(String reason) {
        refusedCounter(reason).increment();
    }

    /** A refused login or token; {@code reason}: unknown_key, bad_password, ... (see docs/metrics.md). */
    public void authFailed(String transport, String reason) {
        Counter.builder(AUTH_FAILURES).description("Logins and tokens refused, by transport and reason")
                .tag("transport", transport).tag("reason", reason).register(registry).increment();
    }

    /** An admission decision on a dump: full, reduced, dmesg or wait, and why (docs/metrics.md). */
    public void admission(String decision, String reason) {
        Counter.builder(ADMISSION).description("Admission decisions on dumps, by decision and reason")
                .tag("decision", decision).tag("reason", reason).register(registry).increment();
    }

    /** Returns the number of open connections including this one. */
    public int connectionOpened() {
        return connections.incrementAndGet();
    }

    public void connectionClosed() {
        connections.decrementAndGet();
    }

    private Counter refusedCounter(String reason) {
        return Counter.builder(REFUSED).description("Uploads refused, by reason").tag("reason", reason)
                .register(registry);
    }
}
