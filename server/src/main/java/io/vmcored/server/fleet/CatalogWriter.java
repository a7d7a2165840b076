package io.vmcored.server.fleet;

import io.vmcored.server.catalog.CatalogMirror;
import io.vmcored.server.catalog.DumpState;
import io.vmcored.server.catalog.DumpSummary;
import io.vmcored.server.fleet.SummaryRows.Pending;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies this collector's saved summaries into the shared catalog, off the threads that save
 * them: a save only notes the dump's newest summary (one entry per dump, however often it is
 * saved) and returns; one thread writes them in batches and, when the database does not
 * answer, keeps them and tries again, backing off. Nothing here can lose or hold up a dump:
 * the manifest in the spool is the truth, and when more than {@code capacity} dumps wait the
 * notes are dropped and every summary of the spool is written again in one pass ("rewrite"),
 * as at start.
 */
final class CatalogWriter implements CatalogMirror, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CatalogWriter.class);
    private static final int BATCH = 500;
    private static final long MIN_BACKOFF_MS = 250;
    private static final long MAX_BACKOFF_MS = 10_000;
    /** Marks a deleted dump in {@link #pending}. */
    private static final Object DELETED = new Object();

    private final FleetDatabase db;
    private final String node;
    private final int capacity;
    /** Every summary of the spool with its directory: what a rewrite writes. */
    private final Supplier<Map<String, Pending>> everything;
    /** Dump id -> its newest {@link Pending} or {@link #DELETED}, oldest note first. Guarded by this. */
    private final LinkedHashMap<String, Object> pending = new LinkedHashMap<>();
    private boolean rewrite = true;
    private boolean closed;
    private final Thread thread;
    private long written;

    /** How long the lease a receiving row comes with lasts: until the lease timer renews it. */
    private final Duration leaseTime;

    CatalogWriter(FleetDatabase db, String node, int capacity, Duration leaseTime,
                  Supplier<Map<String, Pending>> everything) {
        this.db = db;
        this.leaseTime = leaseTime;
        this.node = node;
        this.capacity = capacity;
        this.everything = everything;
        this.thread = new Thread(this::run, "vmcored-catalog-writer");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    @Override
    public void saved(DumpSummary summary, Path directory) {
        note(summary.id(), new Pending(summary, directory.toAbsolutePath().toString(), Instant.now()));
    }

    @Override
    public void deleted(String id) {
        note(id, DELETED);
    }

    private synchronized void note(String id, Object what) {
        if (closed) {
            return;
        }
        if (rewrite) {
            notifyAll(); // the rewrite to come reads the spool after this save: no note needed
            return;
        }
        pending.remove(id); // the newest note goes last: batches keep the order dumps changed in
        pending.put(id, what);
        if (pending.size() > capacity) {
            LOG.warn("shared catalog: {} dumps wait to be written (catalog.queue); dropping the notes,"
                    + " every summary of the spool is written again when the database answers", pending.size());
            pending.clear();
            rewrite = true;
        }
        notifyAll();
    }

    /** Dumps whose rows wait to be written (0 once caught up). */
    synchronized int waiting() {
        return pending.size() + (rewrite ? 1 : 0);
    }

    /** Rows written since start. */
    synchronized long written() {
        return written;
    }

    private void run() {
        long backoff = MIN_BACKOFF_MS;
        while (true) {
            boolean all;
            Map<String, Object> batch;
            synchronized (this) {
                while (!closed && pending.isEmpty() && !rewrite) {
                    waitQuietly(0);
                }
                if (closed && (pending.isEmpty() && !rewrite || !db.reachability().up())) {
                    return;
                }
                all = rewrite;
                rewrite = false;
                batch = all ? Map.of() : take();
            }
            try {
                int n = all ? rewriteAll() : write(batch);
                db.reachability().ok();
                synchronized (this) {
                    written += n;
                }
                backoff = MIN_BACKOFF_MS;
            } catch (SQLException | RuntimeException e) {
                db.reachability().failed(all ? "rewriting the catalog" : "writing " + batch.size() + " rows", e);
                synchronized (this) {
                    if (all) {
                        rewrite = true;
                    } else {
                        giveBack(batch);
                    }
                    waitQuietly(backoff);
                }
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
            }
        }
    }

    /** The oldest notes, up to a batch. Caller holds the lock. */
    private Map<String, Object> take() {
        Map<String, Object> batch = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, Object>> it = pending.entrySet().iterator(); it.hasNext() && batch.size() < BATCH; ) {
            Map.Entry<String, Object> e = it.next();
            batch.put(e.getKey(), e.getValue());
            it.remove();
        }
        return batch;
    }

    /** A failed batch goes back unless a newer note of the same dump came meanwhile. Caller holds the lock. */
    private void giveBack(Map<String, Object> batch) {
        LinkedHashMap<String, Object> newer = new LinkedHashMap<>(pending);
        pending.clear();
        pending.putAll(batch);
        newer.forEach((id, what) -> {
            pending.remove(id);
            pending.put(id, what);
        });
    }

    private int write(Map<String, Object> batch) throws SQLException {
        List<Pending> rows = new ArrayList<>();
        List<String> gone = new ArrayList<>();
        batch.forEach((id, what) -> {
            if (what == DELETED) {
                gone.add(id);
            } else {
                rows.add((Pending) what);
            }
        });
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            try {
                SummaryRows.upsert(c, node, rows);
                // a receiving row never goes in without its lease, which the lease timer may take
                // seconds to write: a collector dying meanwhile would leave it receiving for ever
                UploadLeases.take(c, node, leaseTime, rows.stream()
                        .filter(p -> p.summary().state() == DumpState.RECEIVING).map(p -> p.summary().id()).toList());
                if (!gone.isEmpty()) {
                    SummaryRows.delete(c, node, gone);
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
        return batch.size();
    }

    /** Every summary of the spool, and no row of this node that the spool no longer has. */
    private int rewriteAll() throws SQLException {
        long t0 = System.nanoTime();
        Map<String, Pending> all = everything.get();
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            try {
                List<Pending> rows = new ArrayList<>(BATCH);
                for (Pending p : all.values()) {
                    rows.add(p);
                    if (rows.size() == BATCH) {
                        SummaryRows.upsert(c, node, rows);
                        rows.clear();
                    }
                }
                SummaryRows.upsert(c, node, rows);
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM dumps WHERE node = ? AND NOT (id = ANY (?))")) {
                    ps.setString(1, node);
                    ps.setArray(2, c.createArrayOf("text", all.keySet().toArray()));
                    ps.executeUpdate();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
        LOG.info("shared catalog: {} dumps of node {} written in {} ms", all.size(), node,
                (System.nanoTime() - t0) / 1_000_000);
        return all.size();
    }

    private void waitQuietly(long millis) {
        try {
            wait(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    /**
     * Stops after writing what waits, for up to {@code millis}; what is still unwritten then
     * is written by the next start's rewrite.
     */
    void close(long millis) {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(5_000);
    }
}
