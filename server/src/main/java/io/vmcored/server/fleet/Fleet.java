package io.vmcored.server.fleet;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.vmcored.server.analysis.SignatureGroup;
import io.vmcored.server.catalog.DumpCatalog;
import io.vmcored.server.catalog.DumpRecord;
import io.vmcored.server.catalog.FileUpload;
import io.vmcored.server.catalog.SpoolCatalog;
import io.vmcored.server.config.FleetSettings;
import io.vmcored.server.fleet.SummaryRows.Pending;
import io.vmcored.server.ingest.GrantLedger;
import io.vmcored.server.ingest.OtherCollectors;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A collector's part in a catalog shared by several: its database, the writer that copies its
 * summaries there, the fleet-wide listings and full-dump ledger, and its upload leases. Built
 * by the daemon when {@code catalog.url} is set; closed after the listeners stop.
 */
public final class Fleet implements AutoCloseable, MeterBinder {

    private static final Logger LOG = LoggerFactory.getLogger(Fleet.class);

    private final FleetDatabase db;
    private final String node;
    private final CatalogWriter writer;
    private final FleetCatalog catalog;
    private final FleetLedger ledger;
    private final UploadLeases leases;
    private final FleetSignatures signatures;
    private final FleetHolders holders;
    private final CollectorAddresses addresses;
    private final ScheduledExecutorService timer;

    private Fleet(FleetDatabase db, FleetSettings s, SpoolCatalog spool) {
        this.db = db;
        this.node = s.nodeName;
        this.writer = new CatalogWriter(db, node, s.queue, s.leaseTime, () -> summaries(spool));
        this.ledger = new FleetLedger(db, node);
        this.signatures = new FleetSignatures(db);
        this.leases = new UploadLeases(db, node, s.leaseTime,
                () -> spool.uploadsInFlight().list().stream().map(FileUpload::record).map(DumpRecord::id).distinct().toList());
        this.holders = new FleetHolders(db, node, leases, s.leaseTime);
        this.catalog = new FleetCatalog(spool, db, holders);
        this.addresses = new CollectorAddresses(db, node);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vmcored-catalog-leases");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Connects to the shared catalog (migrating its schema), then copies every summary of
     * {@code spool} there and every later save. A database that does not answer now is
     * waited for in the background: the collector runs meanwhile on its own spool.
     */
    public static Fleet start(FleetSettings s, SpoolCatalog spool) {
        Fleet f = new Fleet(FleetDatabase.open(s), s, spool);
        spool.mirror(f.writer);
        f.writer.start();
        long every = f.leases.interval().toMillis();
        f.timer.scheduleWithFixedDelay(f::tick, every, every, TimeUnit.MILLISECONDS);
        f.timer.scheduleWithFixedDelay(f::prune, 1, 60, TimeUnit.MINUTES);
        return f;
    }

    /** The catalog the API lists from: the fleet's dumps. */
    public DumpCatalog catalog() {
        return catalog;
    }

    /** The full-dump grants of the whole fleet. */
    public GrantLedger ledger() {
        return ledger;
    }

    /** The fleet's signature groups, with this collector's reports where it has them; {@code local} alone while the database does not answer. */
    public List<SignatureGroup> signatures(List<SignatureGroup> local) {
        if (db.reachability().up()) {
            try {
                List<SignatureGroup> all = signatures.groups(local);
                db.reachability().ok();
                return all;
            } catch (SQLException e) {
                db.reachability().failed("listing signatures", e);
            }
        }
        return local;
    }

    /** The other collectors, as the ingest handshake asks about dumps this one does not have. */
    public OtherCollectors others() {
        return holders;
    }

    /**
     * How agents reach this collector ({@code host:port}, null for a listener not running): told
     * to agents that ask another collector about a dump this one receives.
     */
    public void advertise(String tcp, String http) {
        addresses.advertise(tcp, http);
        timer.execute(this::announce);
    }

    private void tick() {
        leases.tick();
        announce();
    }

    private void announce() {
        if (db.reachability().up()) {
            try {
                addresses.announce();
            } catch (SQLException e) {
                db.reachability().failed("announcing this collector's address", e);
            }
        }
    }

    public UploadLeases leases() {
        return leases;
    }

    public String node() {
        return node;
    }

    /** Rows waiting to be written (0 once the database has every save). */
    public int waiting() {
        return writer.waiting();
    }

    /** {@code vmcored_catalog_up} and {@code vmcored_catalog_rows_waiting} (docs/metrics.md). */
    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("vmcored.catalog.up", db.reachability(), r -> r.up() ? 1 : 0)
                .description("1 while the shared catalog's database answers, 0 during an outage").register(registry);
        Gauge.builder("vmcored.catalog.rows.waiting", writer, CatalogWriter::waiting)
                .description("Dumps whose row waits to be written to the shared catalog").register(registry);
    }

    private static Map<String, Pending> summaries(SpoolCatalog spool) {
        Instant stamp = Instant.now(); // before reading: a save after this wins over what is read here
        Map<String, Pending> out = new LinkedHashMap<>();
        for (DumpRecord r : spool.list(r -> true)) {
            out.put(r.id(), new Pending(r.summary(), r.directory().toAbsolutePath().toString(), stamp));
        }
        return out;
    }

    private void prune() {
        try {
            ledger.prune(Instant.now());
        } catch (SQLException e) {
            db.reachability().failed("forgetting old full-dump grants", e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        writer.close();
        if (db.reachability().up()) {
            leases.renew(); // the uploads were cut: their leases go now rather than expire
        }
        db.close();
        LOG.info("shared catalog: node {} closed, {} rows written", node, writer.written());
    }

    List<UploadLeases.Expired> expired() throws SQLException {
        return leases.expired();
    }
}
