package io.vmcored.server.fleet;

import io.vmcored.server.ingest.FullDumpLedger;
import io.vmcored.server.ingest.GrantLedger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * The full-dump grants of the whole fleet, in the shared catalog ({@code full_grants}): a grant
 * is counted and recorded in one transaction holding a lock on its signature
 * ({@code pg_advisory_xact_lock}), so two collectors granting at once never exceed the quota.
 * Grants are also kept in this collector's own ledger: while the database does not answer,
 * decisions fall back on it (the quota then holds per collector) and admission never waits.
 */
public final class FleetLedger implements GrantLedger {

    /** Namespace of the advisory locks: the first key of the two-int form (ASCII "vmcd"). */
    private static final int LOCK_SPACE = 0x766d6364;

    private final FleetDatabase db;
    private final String node;
    private final FullDumpLedger local = new FullDumpLedger();

    FleetLedger(FleetDatabase db, String node) {
        this.db = db;
        this.node = node;
    }

    @Override
    public void add(String signature, String dump, Instant at) {
        local.add(signature, dump, at);
        if (!db.reachability().up()) {
            return;
        }
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO full_grants (signature, dump_id, node, granted_at)"
                     + " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            ps.setString(1, signature);
            ps.setString(2, dump);
            ps.setString(3, node);
            ps.setTimestamp(4, Timestamp.from(at));
            ps.executeUpdate();
            db.reachability().ok();
        } catch (SQLException e) {
            db.reachability().failed("recording a full-dump grant", e);
        }
    }

    @Override
    public boolean take(String signature, String dump, int allowed, Duration window, Instant now) {
        if (!db.reachability().up()) {
            return local.take(signature, dump, allowed, window, now); // no wait for a timeout per sender
        }
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            try {
                boolean granted = take(c, signature, dump, allowed, window, now);
                c.commit();
                db.reachability().ok();
                if (granted) {
                    local.add(signature, dump, now);
                }
                return granted;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            db.reachability().failed("granting a full dump", e);
            return local.take(signature, dump, allowed, window, now);
        }
    }

    private boolean take(Connection c, String signature, String dump, int allowed, Duration window, Instant now)
            throws SQLException {
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(?))")) {
            lock.setInt(1, LOCK_SPACE);
            lock.setString(2, signature);
            lock.execute();
        }
        // under the signature's lock: the count and the insert see every other collector's grant
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO full_grants (signature, dump_id, node, granted_at)"
                + " SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM full_grants WHERE signature = ? AND dump_id = ?)"
                + " OR (SELECT count(*) FROM full_grants WHERE signature = ? AND granted_at >= ?) < ?"
                + " ON CONFLICT (signature, dump_id) DO UPDATE SET node = full_grants.node RETURNING dump_id")) {
            int i = 1;
            ps.setString(i++, signature);
            ps.setString(i++, dump);
            ps.setString(i++, node);
            ps.setTimestamp(i++, Timestamp.from(now));
            ps.setString(i++, signature);
            ps.setString(i++, dump);
            ps.setString(i++, signature);
            ps.setTimestamp(i++, Timestamp.from(now.minus(window)));
            ps.setInt(i, allowed);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    @Override
    public int count(String signature, Duration window, Instant now) {
        if (!db.reachability().up()) {
            return local.count(signature, window, now);
        }
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT count(*) FROM full_grants WHERE signature = ? AND granted_at >= ?")) {
            ps.setString(1, signature);
            ps.setTimestamp(2, Timestamp.from(now.minus(window)));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                db.reachability().ok();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            db.reachability().failed("counting full dumps", e);
            return local.count(signature, window, now);
        }
    }

    @Override
    public Map<String, Integer> counts(Duration window, Instant now) {
        Map<String, Integer> out = new TreeMap<>();
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT signature, count(*) FROM full_grants WHERE granted_at >= ? GROUP BY signature")) {
            ps.setTimestamp(1, Timestamp.from(now.minus(window)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getInt(2));
                }
            }
            db.reachability().ok();
            return out;
        } catch (SQLException e) {
            db.reachability().failed("counting full dumps", e);
            return local.counts(window, now);
        }
    }

    /** Forgets grants older than {@link #HORIZON} (no window is longer). */
    void prune(Instant now) throws SQLException {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM full_grants WHERE granted_at < ?")) {
            ps.setTimestamp(1, Timestamp.from(now.minus(HORIZON)));
            ps.executeUpdate();
        }
    }
}
