package io.vmcored.server.fleet;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.vmcored.server.config.FleetSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared catalog's database: a small connection pool, its schema brought up to date at
 * first use (Flyway, {@code io/vmcored/server/fleet/migration}), and whether it answers
 * ({@link DatabaseReachability}). Connections fail fast: a database that does not answer must never
 * hold up an upload.
 */
public final class FleetDatabase implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FleetDatabase.class);
    static final String MIGRATIONS = "classpath:io/vmcored/server/fleet/migration";

    private final HikariDataSource pool;
    private final DatabaseReachability reachability;
    private final String node;
    private volatile boolean migrated;

    private FleetDatabase(HikariDataSource pool, String node) {
        this.pool = pool;
        this.node = node;
        this.reachability = new DatabaseReachability(redacted(pool.getJdbcUrl()));
    }

    /**
     * A pool for the shared catalog, its schema migrated if the database answers now; if it
     * does not, the collector starts all the same (its dumps must not wait for the database)
     * and the first connection that succeeds later migrates.
     */
    public static FleetDatabase open(FleetSettings s) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(s.url);
        if (!s.user.isEmpty()) {
            c.setUsername(s.user);
        }
        if (!s.password.isEmpty()) {
            c.setPassword(s.password);
        }
        c.setPoolName("vmcored-catalog");
        // the file threads' admissions (threads.file, 8), the writer, the leases and a listing at once
        c.setMaximumPoolSize(12);
        c.setMinimumIdle(1);
        c.setConnectionTimeout(3_000);
        c.setValidationTimeout(2_000);
        c.setInitializationFailTimeout(-1); // no connection at start: a database down must not stop the collector
        c.addDataSourceProperty("connectTimeout", "2"); // below the pool's 3 s: a pool timeout then names the failure
        // a database that stops answering mid-query (a partition) holds an admission for at most this
        c.addDataSourceProperty("socketTimeout", "10");
        c.addDataSourceProperty("ApplicationName", "vmcored " + s.nodeName);
        FleetDatabase db = new FleetDatabase(new HikariDataSource(c), s.nodeName);
        try (Connection first = db.connection()) {
            db.reachability.ok();
        } catch (SQLException e) {
            db.reachability.failed("connecting at start", e);
        }
        return db;
    }

    /** A pooled connection to a migrated schema; throws within seconds when the database does not answer. */
    public Connection connection() throws SQLException {
        if (!migrated) {
            migrate();
        }
        return pool.getConnection();
    }

    private synchronized void migrate() throws SQLException {
        if (migrated) {
            return;
        }
        try {
            MigrateResult r = Flyway.configure().dataSource(pool).locations(MIGRATIONS)
                    .table("vmcored_schema_history").load().migrate();
            LOG.info("shared catalog {}: schema version {} ({} migrations applied now), node {}",
                    redacted(pool.getJdbcUrl()), r.targetSchemaVersion == null ? "current" : r.targetSchemaVersion,
                    r.migrationsExecuted, node);
            migrated = true;
        } catch (RuntimeException e) {
            throw new SQLException("schema migration failed: " + rootMessage(e), e);
        }
    }

    public DatabaseReachability reachability() {
        return reachability;
    }

    @Override
    public void close() {
        pool.close();
    }

    /** The URL without a password in its query. */
    static String redacted(String url) {
        return url == null ? null : url.replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    /**
     * True when {@code e} says only that every pooled connection was busy (the pool's timeout
     * with no failed connection behind it): the database answers, this collector asks too much.
     */
    static boolean busy(Exception e) {
        return e instanceof SQLTransientConnectionException && e.getCause() == null;
    }

    /**
     * True when {@code e} says the database cannot be reached or stopped serving (connection
     * errors, SQL state class 08; operator intervention, 57P; insufficient resources, 53),
     * anywhere in its causes; false for a statement the database refused.
     */
    static boolean outage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                    || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException q && q.getSQLState() != null
                    && (q.getSQLState().startsWith("08") || q.getSQLState().startsWith("57P")
                            || q.getSQLState().startsWith("53"))) {
                return true;
            }
        }
        return false;
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
