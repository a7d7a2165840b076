package io.vmcored.server.store;

import io.vmcored.server.catalog.DumpCatalog;
import io.vmcored.server.catalog.DumpDeletedException;
import io.vmcored.server.catalog.DumpRecord;
import io.vmcored.server.catalog.DumpState;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Finished dumps waiting for the bucket, each queued once, uploaded on the store's threads
 * ({@code store.uploads} at once). A failed attempt keeps the dump in the spool and tries again
 * after a growing wait; one log line per attempt's outcome. Holds no more entries than the
 * catalog has dumps.
 */
final class UploadQueue {

    private static final Logger LOG = LoggerFactory.getLogger(UploadQueue.class);
    /** Waiting for the spool's own fsync and checksum of a just-finished file. */
    private static final Duration SETTLE_WAIT = Duration.ofSeconds(1);
    private static final int SETTLE_TRIES = 60;

    private final DumpCatalog catalog;
    private final DumpUpload upload;
    private final LocalCopies local;
    private final Deletions deletions;
    private final BucketReachability reach;
    private final StoreMetrics metrics;
    private final Backoff backoff;
    private final ScheduledExecutorService threads;
    /** Pending dump ids and their failed attempts so far (negative: waits for the spool to settle). */
    private final Map<String, Integer> pending = new ConcurrentHashMap<>();
    /** Senders waiting for their dump to be in the bucket: true once it is, false if it will not be. */
    private final Map<String, CompletableFuture<Boolean>> waiters = new ConcurrentHashMap<>();

    UploadQueue(DumpCatalog catalog, DumpUpload upload, LocalCopies local, Deletions deletions, BucketReachability reach,
                StoreMetrics metrics, Backoff backoff, ScheduledExecutorService threads) {
        this.catalog = catalog;
        this.upload = upload;
        this.local = local;
        this.deletions = deletions;
        this.reach = reach;
        this.metrics = metrics;
        this.backoff = backoff;
        this.threads = threads;
    }

    int pending() {
        return pending.size();
    }

    /**
     * Completes when dump {@code id} is in the bucket (true), or when it will not be without an
     * operator (false: refused by the bucket, deleted), or after {@code wait} (false: still
     * trying, it stays in the spool meanwhile).
     */
    CompletableFuture<Boolean> stored(String id, Duration wait) {
        CompletableFuture<Boolean> f = waiters.computeIfAbsent(id, k -> new CompletableFuture<>());
        DumpRecord r = catalog.get(id).orElse(null);
        if (r == null) {
            f.complete(false);
        } else if (r.summary().stored() && !pending.containsKey(id)) {
            f.complete(true); // uploaded before anyone asked
        }
        f.completeOnTimeout(false, wait.toMillis(), TimeUnit.MILLISECONDS);
        f.whenComplete((v, e) -> waiters.remove(id, f));
        return f;
    }

    private void settled(String id, boolean stored) {
        CompletableFuture<Boolean> f = waiters.remove(id);
        if (f != null) {
            f.complete(stored);
        }
    }

    /** Queues a finished dump unless it is already waiting. Never blocks. */
    void submit(DumpRecord r) {
        if (pending.putIfAbsent(r.id(), 0) == null) {
            later(r.id(), Duration.ZERO);
        }
    }

    private void later(String id, Duration wait) {
        try {
            threads.schedule(() -> attempt(id), wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            pending.remove(id); // stopping: the next start finds the dump not uploaded and queues it again
        }
    }

    private void attempt(String id) {
        DumpRecord r = catalog.get(id).orElse(null);
        if (r == null || r.state() != DumpState.COMPLETE) {
            pending.remove(id); // deleted, or receiving again: its next end queues it anew
            settled(id, false);
            return;
        }
        int tries = pending.getOrDefault(id, 0);
        if (r.inFlight()) {
            later(id, SETTLE_WAIT);
            return;
        }
        long t0 = System.nanoTime();
        try {
            DumpUpload.Result result = upload.run(r, tries <= -SETTLE_TRIES);
            switch (result) {
                case NOT_READY -> {
                    pending.put(id, Math.min(tries, 0) - 1);
                    later(id, SETTLE_WAIT);
                }
                case ALREADY -> {
                    pending.remove(id);
                    settled(id, true);
                }
                case UPLOADED -> uploaded(r, t0, Math.max(tries, 0) + 1);
            }
        } catch (DumpDeletedException e) {
            pending.remove(id);
            settled(id, false);
            deletions.delete(r); // deleted while uploading: the objects just written go too
        } catch (StoreException e) {
            if (e.retryable()) {
                failed(r, tries, e.getMessage(), true);
            } else {
                pending.remove(id);
                settled(id, false);
                metrics.upload("rejected", 0);
                LOG.warn("store: dump host={} id={} not uploaded: {}; it stays in the spool", r.host(), id,
                        e.getMessage());
            }
        } catch (SdkException e) {
            failed(r, tries, e.getClass().getSimpleName() + ": " + e.getMessage(), true);
        } catch (IOException | RuntimeException e) {
            failed(r, tries, e.toString(), false);
        }
    }

    private void uploaded(DumpRecord r, long t0, int attempt) {
        pending.remove(r.id());
        reach.succeeded();
        var copy = r.snapshot().store;
        long bytes = copy == null ? 0 : DumpUpload.bytes(copy);
        metrics.upload("uploaded", bytes);
        LOG.info("store: dump host={} id={} uploaded to {} files={} bytes={} millis={} attempt={}", r.host(), r.id(),
                copy == null ? "-" : copy.url, copy == null ? 0 : copy.files.size(), bytes,
                (System.nanoTime() - t0) / 1_000_000, attempt);
        settled(r.id(), true);
        local.uploaded(r, Instant.now(), bytes);
        local.trim();
    }

    /** {@code bucket}: the bucket failed (not the spool's file), which counts towards it being down. */
    private void failed(DumpRecord r, int tries, String problem, boolean bucket) {
        int failures = Math.max(tries, 0) + 1;
        pending.put(r.id(), failures);
        settled(r.id(), false); // its sender is not kept waiting through an outage: the spool keeps the dump
        if (bucket) {
            reach.failed(problem);
        }
        metrics.upload("failed", 0);
        Duration wait = backoff.after(failures);
        LOG.warn("store: dump host={} id={} upload attempt {} failed: {}; it stays in the spool, next attempt in {} s",
                r.host(), r.id(), failures, problem, wait.toSeconds());
        later(r.id(), wait);
    }
}
