package io.vmcored.server.fleet;

import io.vmcored.server.analysis.SignatureGroup;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The crash signature groups of the whole fleet ({@code GET /api/v1/signatures}), counted in
 * the shared catalog. The rows hold each dump's panic line but not its frames: a group this
 * collector also has takes its trigger, faulting function and frames from this collector's
 * report; another collector's group shows its newest dump's panic line only.
 */
final class FleetSignatures {

    /** Hosts and kernels listed per group, as the embedded index lists them. */
    private static final int MAX_LISTED = 100;

    private static final String GROUPS = "SELECT signature, count(*), min(created), max(created), count(DISTINCT host),"
            + " array_agg(DISTINCT host ORDER BY host), array_agg(DISTINCT kernel ORDER BY kernel) FILTER (WHERE kernel"
            + " IS NOT NULL), (array_agg(panic ORDER BY created DESC, id DESC))[1],"
            + " (array_agg(id ORDER BY created DESC, id DESC))[1]"
            + " FROM dumps WHERE analyzed AND signature IS NOT NULL GROUP BY signature";

    private final FleetDatabase db;

    FleetSignatures(FleetDatabase db) {
        this.db = db;
    }

    List<SignatureGroup> groups(List<SignatureGroup> local) throws SQLException {
        Map<String, SignatureGroup> mine = new HashMap<>();
        for (SignatureGroup g : local) {
            mine.put(g.signature(), g);
        }
        List<SignatureGroup> out = new ArrayList<>();
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(GROUPS);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String signature = rs.getString(1);
                SignatureGroup own = mine.get(signature);
                out.add(new SignatureGroup(signature, rs.getInt(2), rs.getTimestamp(3).toInstant().toString(),
                        rs.getTimestamp(4).toInstant().toString(), rs.getInt(5), head(rs.getArray(6)), head(rs.getArray(7)),
                        own != null ? own.panicLine() : rs.getString(8), own == null ? null : own.trigger(),
                        own == null ? null : own.faultingFunction(), own == null ? List.of() : own.topFrames(),
                        rs.getString(9)));
            }
        }
        out.sort(Comparator.comparingInt(SignatureGroup::count).reversed()
                .thenComparing(SignatureGroup::lastSeen, Comparator.reverseOrder())
                .thenComparing(SignatureGroup::signature));
        return out;
    }

    private static List<String> head(Array a) throws SQLException {
        if (a == null) {
            return List.of();
        }
        String[] values = (String[]) a.getArray();
        return Arrays.asList(Arrays.copyOf(values, Math.min(values.length, MAX_LISTED)));
    }
}
