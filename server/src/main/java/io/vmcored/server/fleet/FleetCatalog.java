package io.vmcored.server.fleet;

import io.vmcored.server.catalog.DumpCatalog;
import io.vmcored.server.catalog.DumpListener;
import io.vmcored.server.catalog.DumpPage;
import io.vmcored.server.catalog.DumpQuery;
import io.vmcored.server.catalog.DumpRecord;
import io.vmcored.server.catalog.DumpState;
import io.vmcored.server.catalog.HostSummary;
import io.vmcored.server.catalog.StoredElsewhere;
import io.vmcored.server.catalog.Transport;
import io.vmcored.server.catalog.UploadsInFlight;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The catalog as the API sees it on a collector sharing its catalog: the listings (dumps,
 * filter values, hosts) come from the database and so cover the whole fleet, each dump naming
 * the collector that holds it; everything else (creating, finding, changing and deleting
 * dumps) is this collector's own spool. While the database does not answer, the listings fall
 * back on the spool: this collector's dumps only, never an error.
 */
public final class FleetCatalog implements DumpCatalog {

    private final DumpCatalog local;
    private final FleetQueries queries;
    private final DatabaseReachability reachability;
    private final FleetHolders holders;

    FleetCatalog(DumpCatalog local, FleetDatabase db, FleetHolders holders) {
        this.local = local;
        this.queries = new FleetQueries(db);
        this.reachability = db.reachability();
        this.holders = holders;
    }

    @Override
    public DumpPage list(DumpQuery q) {
        if (reachability.up()) {
            try {
                DumpPage p = queries.page(q);
                reachability.ok();
                return p;
            } catch (SQLException e) {
                reachability.failed("listing dumps", e);
            }
        }
        return local.list(q);
    }

    @Override
    public boolean knows(DumpQuery.Field field, String value) {
        if (reachability.up()) {
            try {
                boolean known = queries.knows(field, value);
                reachability.ok();
                return known;
            } catch (SQLException e) {
                reachability.failed("looking up a " + field.param(), e);
            }
        }
        return local.knows(field, value);
    }

    @Override
    public List<HostSummary> hosts() {
        if (reachability.up()) {
            try {
                List<HostSummary> h = queries.hosts();
                reachability.ok();
                return h;
            } catch (SQLException e) {
                reachability.failed("listing hosts", e);
            }
        }
        return local.hosts();
    }

    @Override
    public DumpRecord create(String host, Transport transport, String clientId) throws IOException {
        return local.create(host, transport, clientId);
    }

    @Override
    public DumpRecord findOrCreate(String host, Transport transport, String clientId) throws IOException {
        return local.findOrCreate(host, transport, clientId);
    }

    @Override
    public DumpRecord register(String host, String name, Transport transport) throws IOException {
        return local.register(host, name, transport);
    }

    @Override
    public Optional<DumpRecord> get(String id) {
        return local.get(id);
    }

    @Override
    public Optional<StoredElsewhere> heldElsewhere(String id) {
        if (reachability.up()) {
            try {
                Optional<StoredElsewhere> e = holders.held(id);
                reachability.ok();
                return e;
            } catch (SQLException e) {
                reachability.failed("looking up dump " + id, e);
            }
        }
        return Optional.empty();
    }

    @Override
    public Optional<DumpRecord> byClientId(String host, String clientId) {
        return local.byClientId(host, clientId);
    }

    @Override
    public List<DumpRecord> list(Predicate<DumpRecord> filter) {
        return local.list(filter);
    }

    @Override
    public long count(String host, DumpState state) {
        return local.count(host, state);
    }

    @Override
    public void delete(DumpRecord r) throws IOException {
        local.delete(r);
    }

    @Override
    public int size() {
        return local.size();
    }

    @Override
    public void listener(DumpListener l) {
        local.listener(l);
    }

    @Override
    public UploadsInFlight uploadsInFlight() {
        return local.uploadsInFlight();
    }

    @Override
    public Path spool() {
        return local.spool();
    }
}
