package io.vmcored.server.fleet;

import io.vmcored.server.catalog.DumpState;
import io.vmcored.server.catalog.Manifest;
import io.vmcored.server.catalog.ManifestIo;
import io.vmcored.server.catalog.StoredElsewhere;
import io.vmcored.server.ingest.OtherCollectors;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What other collectors hold of a dump, from the shared catalog: the attempt of a sender's dump
 * (for the ingest handshake) and a stored dump by id (for downloads). While the database does
 * not answer, nothing: the sender's dump starts here, a download of another's dump is a 404.
 */
final class FleetHolders implements OtherCollectors {

    private static final Logger LOG = LoggerFactory.getLogger(FleetHolders.class);

    private static final String ATTEMPT = "SELECT d.id, d.node, d.state, d.manifest, l.expires,"
            + " (l.expires IS NOT NULL AND l.expires >= now()) AS leased,"
            + " GREATEST(0, CEIL(EXTRACT(EPOCH FROM (l.expires - now()))))::bigint AS lease_seconds, c.tcp, c.http"
            + " FROM dumps d LEFT JOIN upload_leases l ON l.dump_id = d.id AND l.node = d.node"
            + " LEFT JOIN collectors c ON c.node = d.node"
            + " WHERE d.host = ? AND d.client_id = ? AND d.node <> ? ORDER BY d.created DESC, d.updated DESC LIMIT 1";

    /** Senders of new dumps refused once during an outage: asked again, they are taken (bounded). */
    private static final int REMEMBERED = 10_000;

    private final FleetDatabase db;
    private final String node;
    private final UploadLeases leases;
    private final Duration leaseTime;
    private final Map<String, Boolean> refused = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED;
        }
    };

    FleetHolders(FleetDatabase db, String node, UploadLeases leases, Duration leaseTime) {
        this.db = db;
        this.node = node;
        this.leases = leases;
        this.leaseTime = leaseTime;
    }

    /**
     * Cut off from the database past the lease time, this collector holds no lease on a new dump
     * and the others have given up its running ones: a sender with another collector to try is
     * sent there (refused once). One that asks again (every collector refused it, or it has no
     * other) is taken: a dump refused by all would be lost, one taken here only counts against
     * this collector's own quota until the database is back.
     */
    @Override
    public String refuseNew(String host, String clientId) {
        Duration down = db.reachability().downFor();
        if (down.compareTo(leaseTime) <= 0) {
            return null;
        }
        synchronized (refused) {
            if (refused.remove(host + '\0' + clientId) != null) {
                return null;
            }
            refused.put(host + '\0' + clientId, Boolean.TRUE);
        }
        return "the shared catalog has been unreachable for " + down.toSeconds() + " s: another collector of the list"
                + " should take this dump (asked again, this one takes it)";
    }

    @Override
    public Optional<Elsewhere> find(String host, String clientId) {
        if (!db.reachability().up()) {
            return Optional.empty();
        }
        try {
            Optional<Elsewhere> e = attempt(host, clientId);
            db.reachability().ok();
            return e;
        } catch (SQLException e) {
            db.reachability().failed("looking up another collector's attempt of a dump", e);
            return Optional.empty();
        }
    }

    private Optional<Elsewhere> attempt(String host, String clientId) throws SQLException {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(ATTEMPT)) {
            ps.setString(1, host);
            ps.setString(2, clientId);
            ps.setString(3, node);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String id = rs.getString("id");
                String holder = rs.getString("node");
                if (SummaryRows.state(rs.getString("state")) == DumpState.RECEIVING) {
                    if (rs.getBoolean("leased")) {
                        return Optional.of(new Elsewhere(holder, id, true, rs.getLong("lease_seconds"),
                                rs.getString("tcp"), rs.getString("http"), null));
                    }
                    if (rs.getTimestamp("expires") != null) {
                        leases.markExpired(); // its collector is gone: the sender starts again here
                    }
                    return Optional.empty();
                }
                Manifest m = manifest(id, rs.getString("manifest"));
                return m == null ? Optional.empty() : Optional.of(new Elsewhere(holder, id, false, 0, null, null, m));
            }
        }
    }

    /** Dump {@code id} of another collector, with its manifest when its files are in the object store. */
    Optional<StoredElsewhere> held(String id) throws SQLException {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT " + SummaryRows.COLUMNS + ", manifest FROM dumps"
                     + " WHERE id = ? AND node <> ? ORDER BY updated DESC LIMIT 1")) {
            ps.setString(1, id);
            ps.setString(2, node);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new StoredElsewhere(SummaryRows.read(rs), manifest(id, rs.getString("manifest"))));
            }
        }
    }

    private static Manifest manifest(String id, String json) {
        if (json == null) {
            return null;
        }
        try {
            Manifest m = ManifestIo.parse(json);
            return m.store == null ? null : m;
        } catch (IOException e) {
            LOG.warn("dump {}: its manifest in the shared catalog cannot be read ({}); served by its collector only",
                    id, e.getMessage());
            return null;
        }
    }
}
