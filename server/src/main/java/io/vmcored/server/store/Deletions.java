package io.vmcored.server.store;

import io.vmcored.server.catalog.DumpRecord;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Deletes a deleted dump's objects: everything under its key prefix, and any multipart upload
 * left unfinished there. Retried with the upload's back-off while the bucket is unreachable;
 * what is still to delete is written down ({@link PendingDeletions}) and taken up again after
 * a restart.
 */
final class Deletions {

    private static final Logger LOG = LoggerFactory.getLogger(Deletions.class);

    private final S3Client s3;
    private final StoreUrl url;
    private final StoreMetrics metrics;
    private final Backoff backoff;
    private final ScheduledExecutorService threads;
    private final PendingDeletions pending;

    Deletions(S3Client s3, StoreUrl url, StoreMetrics metrics, Backoff backoff, ScheduledExecutorService threads,
              PendingDeletions pending) {
        this.pending = pending;
        this.s3 = s3;
        this.url = url;
        this.metrics = metrics;
        this.backoff = backoff;
        this.threads = threads;
    }

    /** Never blocks: the work runs on the store's threads. */
    void delete(DumpRecord r) {
        PendingDeletions.Entry e = new PendingDeletions.Entry(r.host(), r.id(), url.dumpPrefix(r));
        try {
            threads.execute(() -> {
                try {
                    pending.add(e);
                } catch (IOException ex) {
                    LOG.warn("store: dump host={} id={}: cannot note its deletion in the spool ({}); a restart before"
                            + " its objects are deleted leaves them", e.host(), e.id(), ex.toString());
                }
                run(e, 1);
            });
        } catch (RejectedExecutionException ex) {
            LOG.warn("store: dump host={} id={}: stopping before its objects under {} were deleted", e.host(), e.id(),
                    url.url(e.prefix()));
        }
    }

    /** After a start: the deletions a previous run did not finish. */
    void resume() {
        for (PendingDeletions.Entry e : pending.all()) {
            schedule(e, 1, Duration.ZERO);
        }
    }

    private void schedule(PendingDeletions.Entry e, int attempt, Duration wait) {
        try {
            threads.schedule(() -> run(e, attempt), wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException ex) {
            LOG.info("store: dump host={} id={}: stopping before its objects under {} were deleted (done after the"
                    + " next start)", e.host(), e.id(), url.url(e.prefix()));
        }
    }

    private void run(PendingDeletions.Entry e, int attempt) {
        String host = e.host();
        String id = e.id();
        String prefix = e.prefix();
        try {
            int objects = 0;
            for (S3Object o : s3.listObjectsV2Paginator(x -> x.bucket(url.bucket()).prefix(prefix)).contents()) {
                s3.deleteObject(x -> x.bucket(url.bucket()).key(o.key()));
                objects++;
            }
            abortUnfinished(prefix);
            if (objects > 0) {
                metrics.delete("deleted");
                LOG.info("store: dump host={} id={} deleted from {} ({} objects)", host, id, url.url(prefix), objects);
            }
            done(e);
        } catch (SdkException ex) {
            metrics.delete("failed");
            Duration wait = backoff.after(attempt);
            LOG.warn("store: dump host={} id={}: deleting {} failed ({}); next attempt in {} s", host, id,
                    url.url(prefix), ex.toString(), wait.toSeconds());
            schedule(e, attempt + 1, wait);
        }
    }

    private void done(PendingDeletions.Entry e) {
        try {
            pending.done(e);
        } catch (IOException ex) {
            LOG.warn("store: dump host={} id={}: objects deleted, but the note in the spool stays ({}): deleted again"
                    + " after the next start", e.host(), e.id(), ex.toString());
        }
    }

    /** Best effort: not every S3-compatible server lists multipart uploads; lifecycle rules catch the rest. */
    private void abortUnfinished(String prefix) {
        try {
            for (MultipartUpload u : s3.listMultipartUploadsPaginator(x -> x.bucket(url.bucket()).prefix(prefix))
                    .uploads()) {
                s3.abortMultipartUpload(x -> x.bucket(url.bucket()).key(u.key()).uploadId(u.uploadId()));
            }
        } catch (SdkException e) {
            LOG.debug("store: listing unfinished uploads under {}: {}", url.url(prefix), e.toString());
        }
    }
}
