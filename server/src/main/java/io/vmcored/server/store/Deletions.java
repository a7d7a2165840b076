package io.vmcored.server.store;

import io.vmcored.server.catalog.DumpRecord;
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
 * left unfinished there. Retried with the upload's back-off while the bucket is unreachable
 * (in memory: a server stopped meanwhile leaves the objects, see docs/scale-out.md).
 */
final class Deletions {

    private static final Logger LOG = LoggerFactory.getLogger(Deletions.class);
    private static final int MAX_TRIES = 20;

    private final S3Client s3;
    private final StoreUrl url;
    private final StoreMetrics metrics;
    private final Backoff backoff;
    private final ScheduledExecutorService threads;

    Deletions(S3Client s3, StoreUrl url, StoreMetrics metrics, Backoff backoff, ScheduledExecutorService threads) {
        this.s3 = s3;
        this.url = url;
        this.metrics = metrics;
        this.backoff = backoff;
        this.threads = threads;
    }

    /** Never blocks: the work runs on the store's threads. */
    void delete(DumpRecord r) {
        schedule(r.host(), r.id(), url.dumpPrefix(r), 1, Duration.ZERO);
    }

    private void schedule(String host, String id, String prefix, int attempt, Duration wait) {
        try {
            threads.schedule(() -> run(host, id, prefix, attempt), wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.warn("store: dump host={} id={}: stopping before its objects under {} were deleted", host, id,
                    url.url(prefix));
        }
    }

    private void run(String host, String id, String prefix, int attempt) {
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
        } catch (SdkException e) {
            metrics.delete("failed");
            if (attempt >= MAX_TRIES) {
                LOG.warn("store: dump host={} id={}: deleting {} failed {} times ({}); giving up: delete it by hand",
                        host, id, url.url(prefix), attempt, e.toString());
                return;
            }
            Duration wait = backoff.after(attempt);
            LOG.warn("store: dump host={} id={}: deleting {} failed ({}); next attempt in {} s", host, id,
                    url.url(prefix), e.toString(), wait.toSeconds());
            schedule(host, id, prefix, attempt + 1, wait);
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
