package io.vmcored.server.ingest;

import io.vmcored.protocol.dmesg.PanicSummary;
import io.vmcored.server.analysis.ClientKernelLog;
import io.vmcored.server.catalog.DumpCatalog;
import io.vmcored.server.catalog.DumpQuery;
import io.vmcored.server.catalog.DumpRecord;
import io.vmcored.server.catalog.DumpState;
import io.vmcored.server.catalog.DumpSummary;
import io.vmcored.server.catalog.Manifest;
import io.vmcored.server.config.ServerConfig;
import io.vmcored.server.metrics.IngestMetrics;
import io.vmcored.server.storage.DiskGuard;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, per dump, once its kernel log is on the collector and before the dump is sent:
 * full, reduced, kernel log only, or wait (docs/server.md, "Admission"). In order: the spool's
 * watermark and steering; a dump already granted keeps its grant (a resume is never turned
 * away); the crash signature's quota of full dumps per window (unless the host is always
 * granted one); the disk forecast; the cap on full dumps at once. Blocking (reads the
 * kernel log): runs on the file threads. Every decision is counted, logged and kept in the
 * manifest.
 */
public final class DumpAdmission {

    private static final Logger LOG = LoggerFactory.getLogger(DumpAdmission.class);
    /** A granted sender starts within seconds; one that never does frees its slot after this. */
    static final Duration GRANT_LEASE = Duration.ofMinutes(2);
    private static final int FORECAST_HOST_DUMPS = 10;
    private static final int FORECAST_FLEET_DUMPS = 50;

    private final Supplier<ServerConfig> live;
    private final Admission admission;
    private final DiskGuard disk;
    private final DumpCatalog catalog;
    private final AdmissionOverrides overrides;
    private final IngestMetrics metrics;
    private final GrantLedger ledger;
    private final FullUploadSlots slots = new FullUploadSlots(GRANT_LEASE);
    private final WaitingUploads waiting = new WaitingUploads();

    public DumpAdmission(Supplier<ServerConfig> live, Admission admission, DiskGuard disk, DumpCatalog catalog,
                         AdmissionOverrides overrides, IngestMetrics metrics) {
        this(live, admission, disk, catalog, overrides, metrics, new FullDumpLedger());
    }

    /** With {@code ledger} counting the full dumps per signature (shared by several collectors, or this one's own). */
    public DumpAdmission(Supplier<ServerConfig> live, Admission admission, DiskGuard disk, DumpCatalog catalog,
                         AdmissionOverrides overrides, IngestMetrics metrics, GrantLedger ledger) {
        this.ledger = ledger;
        this.live = live;
        this.admission = admission;
        this.disk = disk;
        this.catalog = catalog;
        this.overrides = overrides;
        this.metrics = metrics;
        Instant since = Instant.now().minus(GrantLedger.HORIZON);
        for (DumpRecord r : catalog.list(r -> true)) {
            DumpSummary d = r.summary();
            // a grant counts, whether its dump came or not; dumps from before admission by their size
            if (d.signature() != null && (d.granted() || d.size() > 0) && d.created().isAfter(since)) {
                ledger.add(d.signature(), d.id(), d.created());
            }
        }
    }

    /**
     * The answer to a sender asking to send the dump of {@code host} ({@code dumpId}, whose
     * record, with the kernel log sent before, may exist).
     */
    public AdmissionDecision decide(String host, String dumpId, Optional<DumpRecord> record) throws IOException {
        ServerConfig c = live.get();
        Instant now = Instant.now();
        String key = record.map(DumpRecord::id).orElse(host + "/" + dumpId);
        AdmissionDecision d = decide(c, host, key, record, now);
        if (record.isPresent()) {
            keep(record.get(), d, now);
        }
        said(host, record.map(DumpRecord::id).orElse("-"), d, "");
        return d;
    }

    private static void keep(DumpRecord r, AdmissionDecision d, Instant now) throws IOException {
        Map<String, String> kept = d.record(now.toString());
        r.update(m -> m.admission = kept);
    }

    private void said(String host, String id, AdmissionDecision d, String more) {
        metrics.admission(d.kind().wire(), d.reason());
        LOG.info("admission host={} id={} decision={} reason={}{}{}{}", host, id,
                d.kind().wire(), d.reason(), d.signature() == null ? "" : " signature=" + d.signature(),
                d.kind() == AdmissionDecision.Kind.WAIT && d.waitFor().toSeconds() > 0
                        ? " wait=" + d.waitFor().toSeconds() + "s" : "", more);
    }

    private AdmissionDecision decide(ServerConfig c, String host, String key, Optional<DumpRecord> record, Instant now)
            throws IOException {
        Map<String, String> steer = admission.steer(host);
        if ("dmesg".equals(steer.get("mode"))) {
            return AdmissionDecision.dmesg("disk_low", null);
        }
        Optional<AdmissionDecision> granted = record.flatMap(DumpAdmission::granted);
        if (granted.isPresent()) {
            slots.tryGrant(key, 0);
            return granted.get();
        }
        String signature = null;
        if (record.isPresent()) {
            signature = ClientKernelLog.crash(record.get()).map(PanicSummary::signature).orElse(null);
        }
        boolean always = alwaysFull(c, host);
        Optional<AdmissionDecision> no = kernelLogOnly(c, host, signature, always, now);
        if (no.isPresent()) {
            return no.get();
        }
        // distro SSH clients waiting for a slot are first in line
        if (!slots.holds(key) && waiting.size() > 0 || !slots.tryGrant(key, c.admissionMaxConcurrentFull)) {
            return AdmissionDecision.waitFor("concurrency", signature, c.admissionWait);
        }
        if (!counted(c, signature, key, always, now)) {
            slots.release(key);
            return AdmissionDecision.dmesg("signature_quota", signature);
        }
        String reason = grantReason(always, signature);
        if (steer.containsKey("level")) {
            return AdmissionDecision.reduced("host_dumps", signature, Integer.parseInt(steer.get("level")),
                    steer.getOrDefault("compress", ""));
        }
        return AdmissionDecision.full(reason, signature);
    }

    /**
     * Counts a full dump of {@code signature} granted to {@code key}; false if the quota was used
     * up meanwhile: the count is taken again, atomically, since another thread (or collector)
     * may have taken the last grant after {@link #kernelLogOnly} looked.
     */
    private boolean counted(ServerConfig c, String signature, String key, boolean always, Instant now) {
        if (signature == null) {
            return true;
        }
        if (always || c.admissionFullPerSignature == 0) {
            ledger.add(signature, key, now);
            return true;
        }
        return ledger.take(signature, key, c.admissionFullPerSignature + overrides.extraFull(signature),
                c.admissionWindow, now);
    }

    private boolean alwaysFull(ServerConfig c, String host) {
        return c.admissionAlwaysFullHosts.contains(host) || overrides.alwaysFull(host);
    }

    private static String grantReason(boolean always, String signature) {
        return always ? "host_override" : signature == null ? "no_signature" : "within_quota";
    }

    /** The crash's quota of full dumps is used, or the dump would take the spool below its watermark. */
    private Optional<AdmissionDecision> kernelLogOnly(ServerConfig c, String host, String signature, boolean always,
                                                      Instant now) {
        if (!always && signature != null && c.admissionFullPerSignature > 0) {
            int allowed = c.admissionFullPerSignature + overrides.extraFull(signature);
            if (ledger.count(signature, c.admissionWindow, now) >= allowed) {
                return Optional.of(AdmissionDecision.dmesg("signature_quota", signature));
            }
        }
        if (c.admissionForecast) {
            long estimate = forecast(host);
            if (estimate > 0 && disk.free() - estimate < disk.minFree()) {
                return Optional.of(AdmissionDecision.dmesg("disk_forecast", signature));
            }
        }
        return Optional.empty();
    }

    /**
     * A dump file a distro SSH client starts writing by name ({@code vmcore-incomplete}): such a
     * client cannot be steered, so it is held by flow control until a full-upload slot is free
     * (the returned future completes then), or refused when the policy keeps only the kernel log
     * of this crash (the future fails with {@link RefusedException}; the kernel log it sent
     * first is the record). {@code keepAlive} runs about every second while it waits.
     */
    public CompletableFuture<Void> admitNamed(DumpRecord record, String file, Runnable keepAlive) throws IOException {
        Optional<AdmissionDecision> before = granted(record);
        if (before.isPresent() && before.get().sendsDump()) {
            slots.tryGrant(record.id(), 0);
            return CompletableFuture.completedFuture(null);
        }
        String signature = ClientKernelLog.crash(record).map(PanicSummary::signature).orElse(null);
        WaitingUploads.Waiter w = new WaitingUploads.Waiter(record, file, signature, Instant.now(),
                new CompletableFuture<>(), keepAlive);
        waiting.add(w);
        tick();
        if (!w.turn().isDone()) {
            AdmissionDecision d = AdmissionDecision.waitFor("concurrency", signature, Duration.ZERO);
            keep(record, d, Instant.now());
            said(record.host(), record.id(), d, " file=" + file + " (held until a full upload ends)");
        }
        return w.turn();
    }

    /**
     * Lets the waiting SSH clients through while slots are free, in their order; runs every
     * second and whenever a full upload ends. A client whose crash reached its quota meanwhile
     * is refused then.
     */
    public synchronized void tick() {
        ServerConfig c = live.get();
        WaitingUploads.Waiter w;
        while ((w = waiting.first()) != null) {
            DumpRecord r = w.record();
            Instant now = Instant.now();
            boolean always = alwaysFull(c, r.host());
            Optional<AdmissionDecision> no = kernelLogOnly(c, r.host(), w.signature(), always, now);
            if (no.isEmpty() && !slots.tryGrant(r.id(), c.admissionMaxConcurrentFull)) {
                break;
            }
            waiting.remove(w);
            AdmissionDecision d = no.isPresent() ? no.get()
                    : AdmissionDecision.full(grantReason(always, w.signature()), w.signature());
            if (d.sendsDump() && !counted(c, w.signature(), r.id(), always, now)) {
                slots.release(r.id());
                d = AdmissionDecision.dmesg("signature_quota", w.signature());
            }
            try {
                keep(r, d, now);
            } catch (IOException e) {
                LOG.warn("dump host={} id={}: the admission could not be recorded: {}", r.host(), r.id(), e.getMessage());
            }
            long waited = Duration.between(w.since(), now).toSeconds();
            said(r.host(), r.id(), d, " file=" + w.file() + (waited > 0 ? " waited=" + waited + "s" : ""));
            if (d.sendsDump()) {
                w.turn().complete(null);
            } else {
                w.turn().completeExceptionally(new RefusedException(Refusal.KERNEL_LOG_ONLY, d.reason().equals("disk_forecast")
                        ? "the dump would take the spool below its free-space watermark; the kernel log sent before is kept"
                        : "this crash (signature " + d.signature() + ") already has its full dumps on the collector;"
                                + " the kernel log sent before is kept", null));
                metrics.refused(Refusal.KERNEL_LOG_ONLY.metric());
            }
        }
        for (WaitingUploads.Waiter still : waiting.all()) {
            still.keepAlive().run();
        }
    }

    /** A grant of the dump file already made (and the file begun or not): the same answer again. */
    private static Optional<AdmissionDecision> granted(DumpRecord r) {
        Manifest m = r.snapshot();
        Map<String, String> a = m.admission;
        if (a == null) {
            Manifest.FileEntry dump = m.dumpFile == null ? null : m.files.get(m.dumpFile);
            // begun before admission existed (or before a restart lost the grant): let it finish
            return dump != null && dump.committedBytes > 0 ? Optional.of(AdmissionDecision.full("resume", null))
                    : Optional.empty();
        }
        AdmissionDecision.Kind kind = AdmissionDecision.Kind.of(a.get("decision"));
        if (kind == AdmissionDecision.Kind.FULL) {
            return Optional.of(AdmissionDecision.full(a.get("reason"), a.get("signature")));
        }
        if (kind == AdmissionDecision.Kind.REDUCED) {
            return Optional.of(AdmissionDecision.reduced(a.get("reason"), a.get("signature"),
                    Integer.parseInt(a.getOrDefault("level", "31")), a.getOrDefault("compress", "")));
        }
        return Optional.empty();
    }

    /**
     * How big this host's dump will be: the largest of its last complete dumps, else the
     * median of the fleet's last ones; 0 when nothing is known (no forecast).
     */
    long forecast(String host) {
        List<DumpSummary> mine = catalog.list(DumpQuery.newest().withHost(host).withState(DumpState.COMPLETE)
                .withLimit(FORECAST_HOST_DUMPS)).items();
        long max = mine.stream().mapToLong(DumpSummary::size).max().orElse(0);
        if (max > 0) {
            return max;
        }
        long[] fleet = catalog.list(DumpQuery.newest().withState(DumpState.COMPLETE).withLimit(FORECAST_FLEET_DUMPS))
                .items().stream().mapToLong(DumpSummary::size).filter(s -> s > 0).sorted().toArray();
        return fleet.length == 0 ? 0 : fleet[fleet.length / 2];
    }

    /** The dump's file upload started: it holds a full-upload slot until it ends. */
    void started(DumpRecord r) {
        slots.started(r.id());
    }

    void ended(DumpRecord r) {
        slots.release(r.id());
        if (waiting.size() > 0) {
            tick();
        }
    }

    /** The policy as running, its exceptions and its counts, for the operator API. */
    public Map<String, Object> view() {
        ServerConfig c = live.get();
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("fullPerSignature", c.admissionFullPerSignature);
        v.put("window", c.admissionWindow.toString());
        v.put("maxConcurrentFull", c.admissionMaxConcurrentFull);
        v.put("fullNow", slots.held());
        v.put("sshWaiting", waiting.size());
        v.put("wait", c.admissionWait.toSeconds());
        v.put("forecast", c.admissionForecast);
        v.put("alwaysFullHosts", c.admissionAlwaysFullHosts);
        AdmissionOverrides.State o = overrides.snapshot();
        v.put("overrides", Map.of("alwaysFullHosts", o.alwaysFullHosts, "extraFull", o.extraFull));
        v.put("fullBySignature", ledger.counts(c.admissionWindow, Instant.now()));
        return v;
    }

    /**
     * Lets {@code more} full dumps of {@code signature} through from now on, however many the
     * window already holds; 0 returns the crash to the policy. Returns the extra allowance kept.
     */
    public int allowMore(String signature, int more) throws IOException {
        ServerConfig c = live.get();
        int extra = more == 0 ? 0
                : Math.max(0, ledger.count(signature, c.admissionWindow, Instant.now()) - c.admissionFullPerSignature) + more;
        overrides.extraFull(signature, extra);
        return extra;
    }

    public AdmissionOverrides overrides() {
        return overrides;
    }
}
