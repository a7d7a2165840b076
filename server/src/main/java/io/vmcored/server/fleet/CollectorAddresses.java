package io.vmcored.server.fleet;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * This collector's row in {@code collectors}: how agents reach it over TCP and HTTP, written
 * once its listeners are bound and again at every lease tick ({@code seen}). Another collector
 * tells an agent this address when the agent asks it about a dump this one receives.
 */
final class CollectorAddresses {

    private final FleetDatabase db;
    private final String node;
    private volatile String tcp;
    private volatile String http;

    CollectorAddresses(FleetDatabase db, String node) {
        this.db = db;
        this.node = node;
    }

    /** {@code host:port} per ingest listener, null for one not running. */
    void advertise(String tcpAddress, String httpAddress) {
        tcp = tcpAddress;
        http = httpAddress;
    }

    void announce() throws SQLException {
        if (tcp == null && http == null) {
            return; // listeners not bound yet
        }
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO collectors (node, tcp, http, seen) VALUES (?, ?, ?, now())"
                     + " ON CONFLICT (node) DO UPDATE SET tcp = EXCLUDED.tcp, http = EXCLUDED.http, seen = EXCLUDED.seen")) {
            ps.setString(1, node);
            ps.setString(2, tcp);
            ps.setString(3, http);
            ps.executeUpdate();
        }
    }
}
