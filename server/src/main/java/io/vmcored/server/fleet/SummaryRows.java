package io.vmcored.server.fleet;

import io.vmcored.server.catalog.DumpState;
import io.vmcored.server.catalog.DumpSummary;
import io.vmcored.server.catalog.ManifestIo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.Collection;

/**
 * One dump's row in the shared catalog: the columns of a {@link DumpSummary}, the node that
 * holds the dump and where its files are. Writing is an upsert keyed by (id, node); a row is
 * never older than the one in the table (a late retry does not overwrite a newer save).
 */
final class SummaryRows {

    static final String COLUMNS = "id, node, host, client_id, state, transport, created, finished, dump_file, size,"
            + " total_bytes, format, kernel, crash_time, signature, panic, problem, analyzed, granted, location, updated";

    /** A manifest larger than this is not copied (a real one is a few KiB). */
    private static final long MAX_MANIFEST = 4L << 20;

    private static final String UPSERT = "INSERT INTO dumps (" + COLUMNS + ", manifest) VALUES"
            + " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (id, node) DO UPDATE SET host = EXCLUDED.host, client_id = EXCLUDED.client_id,"
            + " state = EXCLUDED.state, transport = EXCLUDED.transport, created = EXCLUDED.created,"
            + " finished = EXCLUDED.finished, dump_file = EXCLUDED.dump_file, size = EXCLUDED.size,"
            + " total_bytes = EXCLUDED.total_bytes, format = EXCLUDED.format, kernel = EXCLUDED.kernel,"
            + " crash_time = EXCLUDED.crash_time, signature = EXCLUDED.signature, panic = EXCLUDED.panic,"
            + " problem = EXCLUDED.problem, analyzed = EXCLUDED.analyzed, granted = EXCLUDED.granted,"
            + " location = EXCLUDED.location, updated = EXCLUDED.updated, manifest = EXCLUDED.manifest"
            + " WHERE dumps.updated <= EXCLUDED.updated";

    private SummaryRows() {
    }

    /** A summary waiting to be written: what it says, where its files are, when it was saved. */
    record Pending(DumpSummary summary, String location, Instant saved) {
    }

    /** Writes {@code rows} of {@code node} in one batch (the caller commits). */
    static void upsert(Connection c, String node, Collection<Pending> rows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
            for (Pending p : rows) {
                DumpSummary s = p.summary();
                int i = 1;
                ps.setString(i++, s.id());
                ps.setString(i++, node);
                ps.setString(i++, s.host());
                ps.setString(i++, s.clientId());
                ps.setString(i++, s.state().wire());
                ps.setString(i++, s.transport());
                ps.setTimestamp(i++, Timestamp.from(s.created()));
                setTime(ps, i++, s.finished());
                ps.setString(i++, s.dumpFile());
                ps.setLong(i++, s.size());
                ps.setLong(i++, s.totalBytes());
                ps.setString(i++, s.format());
                ps.setString(i++, s.kernel());
                ps.setString(i++, s.crashTime());
                ps.setString(i++, s.signature());
                ps.setString(i++, s.panic());
                ps.setString(i++, s.problem());
                ps.setBoolean(i++, s.analyzed());
                ps.setBoolean(i++, s.granted());
                ps.setString(i++, p.location());
                ps.setTimestamp(i++, Timestamp.from(p.saved()));
                ps.setString(i, s.stored() ? manifest(p.location()) : null);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Removes the rows of {@code ids} held by {@code node}. */
    static void delete(Connection c, String node, Collection<String> ids) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM dumps WHERE node = ? AND id = ANY (?)")) {
            ps.setString(1, node);
            ps.setArray(2, c.createArrayOf("text", ids.toArray()));
            ps.executeUpdate();
        }
    }

    /** The summary of the current row of {@code rs} (selected with {@link #COLUMNS}), naming its node. */
    static DumpSummary read(ResultSet rs) throws SQLException {
        return new DumpSummary(rs.getString("id"), rs.getString("host"), rs.getString("client_id"),
                state(rs.getString("state")), rs.getString("transport"), rs.getTimestamp("created").toInstant(),
                time(rs.getTimestamp("finished")), rs.getString("dump_file"), rs.getLong("size"),
                rs.getLong("total_bytes"), rs.getString("format"), rs.getString("kernel"), rs.getString("crash_time"),
                rs.getString("signature"), rs.getString("panic"), rs.getString("problem"), rs.getBoolean("analyzed"),
                rs.getBoolean("granted"), false, rs.getString("node"));
    }

    static DumpState state(String wire) {
        for (DumpState s : DumpState.values()) {
            if (s.wire().equals(wire)) {
                return s;
            }
        }
        return DumpState.INCOMPLETE;
    }

    /**
     * The manifest of a dump whose files are in the object store, as its collector last wrote
     * it (written whole by a rename, never half); null when it cannot be read, so that the
     * row still goes in (its collector serves the dump then).
     */
    private static String manifest(String location) {
        Path f = Path.of(location, ManifestIo.FILE_NAME);
        try {
            if (Files.size(f) > MAX_MANIFEST) {
                return null;
            }
            return Files.readString(f);
        } catch (IOException e) {
            return null;
        }
    }

    private static void setTime(PreparedStatement ps, int i, Instant t) throws SQLException {
        if (t == null) {
            ps.setNull(i, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            ps.setTimestamp(i, Timestamp.from(t));
        }
    }

    private static Instant time(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
