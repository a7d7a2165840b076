package io.vmcored.server.ingest;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How many received bytes connections may hold while they wait for the disk, shared by all
 * of them. One connection alone may queue up to {@code perConnectionMax} (deep enough that
 * the network and the disk overlap at full speed); when the total passes {@code total},
 * each connection falls back to {@code perConnection}, so memory stays below about
 * {@code total + connections x (perConnection + one socket read)}, whatever the number of
 * connections or the record sizes.
 */
public final class IngestBudget {

    private final long perConnection;
    private final long perConnectionMax;
    private final long total;
    private final AtomicLong queued = new AtomicLong();

    public IngestBudget(long perConnection, long perConnectionMax, long total) {
        this.perConnection = perConnection;
        this.perConnectionMax = Math.max(perConnection, perConnectionMax);
        this.total = total;
    }

    /** Counts {@code n} more queued bytes. */
    void add(long n) {
        queued.addAndGet(n);
    }

    /** Counts {@code n} bytes written (no longer queued). */
    void release(long n) {
        queued.addAndGet(-n);
    }

    /** Whether a connection holding {@code pending} bytes must stop reading. */
    boolean full(long pending) {
        return pending > perConnectionMax || pending > perConnection && queued.get() > total;
    }

    /** Whether a paused connection holding {@code pending} bytes may read again (half-way hysteresis). */
    boolean roomFor(long pending) {
        return pending <= perConnection / 2 || pending <= perConnectionMax / 2 && queued.get() <= total;
    }

    /** Bytes queued by all connections now. */
    public long queued() {
        return queued.get();
    }
}
