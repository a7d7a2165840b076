package io.vmcored.server.fleet;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which collector is receiving which dump: a lease row per dump being received
 * ({@code upload_leases}), renewed by its collector while the upload runs and removed when it
 * ends. A lease that ran out while its dump's row still says receiving belongs to a collector
 * that died mid-upload: the others mark that dump's row incomplete ({@link #markExpired}).
 * Times are the database's, so collectors' clocks do not matter.
 */
public final class UploadLeases {

    /** A lease that ran out: dump {@code dumpId}, held by {@code node}, expired at {@code expires}. */
    public record Expired(String dumpId, String node, Instant expires) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(UploadLeases.class);

    private final FleetDatabase db;
    private final String node;
    private final Duration time;
    private final Supplier<Collection<String>> receiving;

    UploadLeases(FleetDatabase db, String node, Duration time, Supplier<Collection<String>> receiving) {
        this.db = db;
        this.node = node;
        this.time = time;
        this.receiving = receiving;
    }

    /** How often {@link #renew} runs: three chances before a lease runs out. */
    Duration interval() {
        return time.dividedBy(3);
    }

    /** One tick of the lease timer: renew this collector's leases, then mark what others left behind. */
    void tick() {
        renew();
        if (db.reachability().up()) {
            try {
                markExpired();
            } catch (SQLException e) {
                db.reachability().failed("marking dumps of expired leases", e);
            }
        }
    }

    /** Extends the lease of every dump this collector receives now, and drops the leases of the others. */
    void renew() {
        List<String> ids = List.copyOf(receiving.get());
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            try {
                write(c, node, time, ids, "DO UPDATE SET node = EXCLUDED.node, expires = EXCLUDED.expires,"
                        + " renewed = EXCLUDED.renewed");
                try (PreparedStatement ps = c.prepareStatement(
                        "DELETE FROM upload_leases WHERE node = ? AND NOT (dump_id = ANY (?))")) {
                    ps.setString(1, node);
                    ps.setArray(2, c.createArrayOf("text", ids.toArray()));
                    ps.executeUpdate();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
            db.reachability().ok();
        } catch (SQLException e) {
            db.reachability().failed("renewing upload leases", e);
        }
    }

    /** Leases for {@code ids}, being received by {@code node}, where none is held yet (the caller commits). */
    static void take(Connection c, String node, Duration time, List<String> ids) throws SQLException {
        write(c, node, time, ids, "DO NOTHING");
    }

    /** Leases for {@code ids} running {@code time} from now; {@code onConflict} says what becomes of one already held. */
    private static void write(Connection c, String node, Duration time, List<String> ids, String onConflict)
            throws SQLException {
        if (ids.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO upload_leases (dump_id, node, expires, renewed)"
                + " VALUES (?, ?, now() + ? * interval '1 millisecond', now()) ON CONFLICT (dump_id) " + onConflict)) {
            for (String id : ids) {
                ps.setString(1, id);
                ps.setString(2, node);
                ps.setLong(3, time.toMillis());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Leases that ran out whose dump's row still says receiving: dumps another collector may mark incomplete. */
    public List<Expired> expired() throws SQLException {
        List<Expired> out = new ArrayList<>();
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT l.dump_id, l.node, l.expires FROM upload_leases l"
                     + " JOIN dumps d ON d.id = l.dump_id AND d.node = l.node"
                     + " WHERE l.expires < now() AND d.state = 'receiving' ORDER BY l.expires");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Expired(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant()));
            }
        }
        return out;
    }

    /**
     * Marks incomplete, in the shared catalog, the dumps of other collectors whose lease ran out
     * while their row says receiving (a collector that died or lost the database mid-upload),
     * and drops those leases; returns them. The row keeps its time of save, so the collector's
     * own next save of that dump (its recovery at restart, or what it noted while away) wins.
     * Collectors doing this at once mark each dump once: the lease row is deleted under its lock.
     */
    public List<Expired> markExpired() throws SQLException {
        List<Expired> out = new ArrayList<>();
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("WITH gone AS (DELETE FROM upload_leases l USING dumps d"
                     + " WHERE l.expires < now() AND l.node <> ? AND d.id = l.dump_id AND d.node = l.node"
                     + " AND d.state = 'receiving' RETURNING l.dump_id, l.node, l.expires)"
                     + " UPDATE dumps d SET state = 'incomplete', problem = 'collector ' || g.node"
                     + " || ' stopped renewing its upload lease at ' || g.expires || ' (marked by ' || ? || ')'"
                     + " FROM gone g WHERE d.id = g.dump_id AND d.node = g.node AND d.state = 'receiving'"
                     + " RETURNING g.dump_id, g.node, g.expires")) {
            ps.setString(1, node);
            ps.setString(2, node);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Expired(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant()));
                }
            }
        }
        for (Expired e : out) {
            LOG.warn("dump {} of node {}: its upload lease ran out at {}; marked incomplete in the shared catalog",
                    e.dumpId(), e.node(), e.expires());
        }
        return out;
    }

    /** Whether dump {@code dumpId} was being received by a collector whose lease on it ran out. */
    public boolean shouldMarkIncomplete(String dumpId) throws SQLException {
        return expired().stream().anyMatch(e -> e.dumpId().equals(dumpId));
    }
}
