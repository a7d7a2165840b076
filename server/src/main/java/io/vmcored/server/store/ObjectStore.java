package io.vmcored.server.store;

import io.micrometer.core.instrument.MeterRegistry;
import io.vmcored.server.catalog.DumpCatalog;
import io.vmcored.server.catalog.DumpListener;
import io.vmcored.server.catalog.DumpRecord;
import io.vmcored.server.catalog.DumpState;
import io.vmcored.server.catalog.Manifest;
import io.vmcored.server.catalog.StoredCopy.StoredFile;
import io.vmcored.server.config.ServerConfig;
import io.vmcored.server.config.StoreSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finished dumps kept in an S3 bucket ({@code store.url}). A dump is received into the spool as
 * ever; once complete and analyzed it is uploaded ({@link UploadQueue}), recorded in its
 * manifest, and its big files leave the spool ({@link LocalCopies}). Downloads of a freed file
 * read the bucket ({@link #open}, {@link #presign}); a deleted dump's objects are deleted
 * ({@link Deletions}). While the bucket is unreachable finished dumps wait in the spool, and
 * new ones are refused only once the spool runs low ({@link #refusal}). Nothing here runs on
 * an event loop: its own threads upload, and the catalog's listener calls only hand work over.
 */
public final class ObjectStore implements DumpListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ObjectStore.class);

    private final Supplier<ServerConfig> live;
    private final LongSupplier freeBytes;
    private final StoreUrl url;
    private final S3Access s3;
    private final ScheduledThreadPoolExecutor threads;
    private final ExecutorService partThreads;
    private final BucketReachability reach = new BucketReachability(Instant::now);
    private final StoreMetrics metrics;
    private final LocalCopies local;
    private final Deletions deletions;
    private final UploadQueue queue;
    private final ObjectReads reads;
    private final DumpCatalog catalog;

    private ObjectStore(Supplier<ServerConfig> live, DumpCatalog catalog, MeterRegistry registry, LongSupplier freeBytes) {
        StoreSettings s = live.get().store;
        this.live = live;
        this.catalog = catalog;
        this.freeBytes = freeBytes;
        this.url = StoreUrl.parse(s.url);
        this.s3 = new S3Access(s);
        this.threads = new ScheduledThreadPoolExecutor(s.uploads, threads("vmcored-store-"));
        // each upload holds at most parts-in-flight parts (a semaphore), so the queue stays that short
        this.partThreads = new ThreadPoolExecutor(s.uploads * s.partsInFlight, s.uploads * s.partsInFlight, 60,
                TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads("vmcored-store-part-"));
        Backoff backoff = new Backoff(s.retryFirst, s.retryMax);
        this.local = new LocalCopies(catalog, () -> live.get().store.cacheSize);
        this.metrics = new StoreMetrics(registry, this::pending, this::down); // read at scrapes, after this constructor
        this.deletions = new Deletions(s3.client(), url, metrics, backoff, threads, pending(catalog));
        PartedUpload files = new PartedUpload(s3.client(), partThreads, s.partSize, s.partsInFlight);
        this.queue = new UploadQueue(catalog, new DumpUpload(files, url), local, deletions, reach, metrics, backoff,
                threads);
        this.reads = new ObjectReads(s3.client(), s3.presigner(), url.bucket());
    }

    /**
     * Starts the store's threads and queues, in the background, the finished dumps that were
     * not yet uploaded (a restart, an outage). The caller adds it as a catalog listener.
     */
    public static ObjectStore start(Supplier<ServerConfig> live, DumpCatalog catalog, MeterRegistry registry,
                                    LongSupplier freeBytes) {
        ObjectStore store = new ObjectStore(live, catalog, registry, freeBytes);
        store.threads.execute(store::resume);
        LOG.info("store: finished dumps go to {}{} ({} at once, parts of {} bytes, {} per dump in flight)", store.url,
                live.get().store.endpoint.isEmpty() ? "" : " at " + live.get().store.endpoint,
                live.get().store.uploads, live.get().store.partSize, live.get().store.partsInFlight);
        return store;
    }

    private static PendingDeletions pending(DumpCatalog catalog) {
        try {
            return new PendingDeletions(catalog.spool());
        } catch (IOException e) {
            throw new UncheckedIOException("store: " + catalog.spool().resolve(PendingDeletions.FILE)
                    + " unreadable (" + e.getMessage() + ")", e);
        }
    }

    private void resume() {
        deletions.resume();
        boolean analysis = live.get().crash.analysisEnabled;
        int queued = 0;
        for (DumpRecord r : catalog.list(r -> r.state() == DumpState.COMPLETE)) {
            try {
                Manifest m = r.snapshot();
                if (m.store == null && (m.analysis != null || !analysis)) {
                    queue.submit(r);
                    queued++;
                } else if (m.store != null && m.store.freed == null) {
                    local.uploaded(r, Instant.parse(m.store.at), DumpUpload.bytes(m.store));
                }
            } catch (RuntimeException e) {
                LOG.warn("store: dump host={} id={}: manifest unreadable, not uploaded ({})", r.host(), r.id(),
                        e.getMessage());
            }
        }
        LOG.info("store: {} finished dumps queued for upload, {} uploaded ones still in the spool", queued, local.size());
        local.trim();
    }

    /** Crash analysis recorded its report: the dump may go. Never blocks. */
    public void analyzed(DumpRecord r) {
        if (r.state() == DumpState.COMPLETE) {
            queue.submit(r);
        }
    }

    @Override
    public void finished(DumpRecord r, DumpState state) {
        if (state == DumpState.COMPLETE && !live.get().crash.analysisEnabled) {
            queue.submit(r); // no analysis to wait for
        }
    }

    @Override
    public void deleted(DumpRecord r) {
        local.forget(r.id());
        deletions.delete(r);
    }

    /** True while the bucket has been unreachable longer than {@code store.down-after}. */
    public boolean down() {
        return reach.down(live.get().store.downAfter);
    }

    /** Null if a new dump may start as far as the store is concerned, else why not (for the sender). */
    public String refusal() {
        StoreSettings s = live.get().store;
        if (s.refuseBelow <= 0 || !down()) {
            return null;
        }
        long free = freeBytes.getAsLong();
        if (free >= s.refuseBelow) {
            return null;
        }
        Duration d = reach.unreachableFor();
        return "object store " + url + " unreachable for " + (d == null ? 0 : d.toMinutes()) + " min ("
                + reach.lastProblem() + "); " + queue.pending() + " finished dumps wait in the spool, which has "
                + free + " bytes free (store.refuse-below " + s.refuseBelow + "): new dumps refused until it is back";
    }

    /** The bucket's copy of {@code name}, if the dump was uploaded. */
    public static Optional<StoredFile> stored(Manifest m, String name) {
        return m.store == null ? Optional.empty() : Optional.ofNullable(m.store.files.get(name));
    }

    /** Whether downloads of freed files redirect to a presigned URL. */
    public boolean presigning() {
        return live.get().store.presign;
    }

    /** Bytes {@code [start, end]} of an uploaded file (blocking; the caller closes the stream). */
    public InputStream open(StoredFile f, long start, long end) {
        metrics.read("relayed");
        return reads.open(f, start, end);
    }

    /** A presigned GET URL for an uploaded file, saved as {@code filename}. */
    public URI presign(StoredFile f, String filename) {
        metrics.read("redirected");
        return reads.presign(f, filename, live.get().store.presignTtl);
    }

    /**
     * Completes once dump {@code id} is in the bucket (true), or false when it will not be soon:
     * after {@code store.ack-wait}, at once when that is 0. Never fails.
     */
    public CompletableFuture<Boolean> stored(String id) {
        Duration wait = live.get().store.ackWait;
        return wait.isZero() ? CompletableFuture.completedFuture(false) : queue.stored(id, wait);
    }

    /** Finished dumps waiting for the bucket. */
    public int pending() {
        return queue.pending();
    }

    @Override
    public void close() {
        threads.shutdownNow();
        partThreads.shutdownNow();
        try {
            threads.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        s3.close();
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
