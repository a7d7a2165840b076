package io.vmcored.server.fleet;

import io.vmcored.server.catalog.DumpPage;
import io.vmcored.server.catalog.DumpQuery;
import io.vmcored.server.catalog.DumpState;
import io.vmcored.server.catalog.DumpSummary;
import io.vmcored.server.catalog.HostSummary;
import io.vmcored.server.catalog.PageCursor;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The listings every collector answers from the shared catalog: a page of dumps with the same
 * filters, order and cursor as the embedded catalog ({@link DumpQuery}), whether a filter value
 * exists, and the hosts. Blocking; throws SQLException when the database does not answer.
 */
final class FleetQueries {

    private final FleetDatabase db;

    FleetQueries(FleetDatabase db) {
        this.db = db;
    }

    DumpPage page(DumpQuery q) throws SQLException {
        StringBuilder where = new StringBuilder(" WHERE true");
        List<Object> args = new ArrayList<>();
        filter(where, args, "host = ?", q.host());
        filter(where, args, "state = ?", q.state() == null ? null : q.state().wire());
        filter(where, args, "signature = ?", q.signature());
        filter(where, args, "kernel = ?", q.kernel());
        filter(where, args, "created >= ?", q.since() == null ? null : Timestamp.from(q.since()));
        filter(where, args, "created <= ?", q.until() == null ? null : Timestamp.from(q.until()));
        if (q.text() != null) {
            // the fields DumpQuery searches; strpos, not LIKE: the text is taken literally
            where.append(" AND (strpos(lower(id), ?) > 0 OR strpos(lower(coalesce(kernel, '')), ?) > 0"
                    + " OR strpos(lower(coalesce(signature, '')), ?) > 0 OR strpos(lower(coalesce(panic, '')), ?) > 0"
                    + " OR strpos(lower(coalesce(problem, '')), ?) > 0)");
            for (int i = 0; i < 5; i++) {
                args.add(q.text());
            }
        }
        try (Connection c = db.connection()) {
            long total;
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM dumps" + where)) {
                bind(ps, args);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    total = rs.getLong(1);
                }
            }
            StringBuilder sql = new StringBuilder("SELECT " + SummaryRows.COLUMNS + " FROM dumps").append(where);
            List<Object> pageArgs = new ArrayList<>(args);
            PageCursor cursor = q.cursor();
            if (cursor != null) {
                sql.append(" AND (created, id) < (?, ?)");
                pageArgs.add(Timestamp.from(cursor.created()));
                pageArgs.add(cursor.id());
            }
            sql.append(" ORDER BY created DESC, id DESC, node DESC LIMIT ?");
            pageArgs.add(q.limit() + 1);
            List<DumpSummary> items = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                bind(ps, pageArgs);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        items.add(SummaryRows.read(rs));
                    }
                }
            }
            String next = null;
            if (items.size() > q.limit()) {
                items = items.subList(0, q.limit());
                next = PageCursor.after(items.get(items.size() - 1)).encode();
            }
            return new DumpPage(items, total, next);
        }
    }

    boolean knows(DumpQuery.Field field, String value) throws SQLException {
        String column = switch (field) {
            case HOST -> "host";
            case SIGNATURE -> "signature";
            case KERNEL -> "kernel";
        };
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM dumps WHERE " + column + " = ?)")) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** Every host of the fleet: dumps per state and its newest dump, by host name. */
    List<HostSummary> hosts() throws SQLException {
        Map<String, Map<String, Integer>> perState = new TreeMap<>();
        Map<String, DumpSummary> last = new LinkedHashMap<>();
        try (Connection c = db.connection()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT host, state, count(*) FROM dumps GROUP BY host, state");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    perState.computeIfAbsent(rs.getString(1), h -> new TreeMap<>())
                            .put(SummaryRows.state(rs.getString(2)).wire(), rs.getInt(3));
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT ON (host) " + SummaryRows.COLUMNS
                    + " FROM dumps ORDER BY host, created DESC, id DESC");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    DumpSummary s = SummaryRows.read(rs);
                    last.put(s.host(), s);
                }
            }
        }
        List<HostSummary> out = new ArrayList<>();
        perState.forEach((host, states) -> {
            Map<String, Integer> all = new LinkedHashMap<>();
            for (DumpState s : DumpState.values()) {
                all.put(s.wire(), states.getOrDefault(s.wire(), 0));
            }
            int dumps = states.values().stream().mapToInt(Integer::intValue).sum();
            out.add(new HostSummary(host, dumps, all, last.get(host)));
        });
        return out;
    }

    private static void filter(StringBuilder where, List<Object> args, String clause, Object value) {
        if (value != null) {
            where.append(" AND ").append(clause);
            args.add(value);
        }
    }

    private static void bind(PreparedStatement ps, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            ps.setObject(i + 1, args.get(i));
        }
    }
}
