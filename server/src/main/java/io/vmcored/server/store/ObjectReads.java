package io.vmcored.server.store;

import io.vmcored.server.catalog.StoredCopy.StoredFile;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Reading an uploaded file back for a download: a byte range streamed from the bucket, or a
 * presigned GET URL that the client follows itself (the bytes then never cross the collector).
 */
final class ObjectReads {

    private final S3Client s3;
    private final S3Presigner presigner;
    private final String bucket;

    ObjectReads(S3Client s3, S3Presigner presigner, String bucket) {
        this.s3 = s3;
        this.presigner = presigner;
        this.bucket = bucket;
    }

    /** Bytes {@code [start, end]} of the object (blocking; the caller closes the stream). */
    InputStream open(StoredFile f, long start, long end) {
        return s3.getObject(x -> x.bucket(bucket).key(f.key).range("bytes=" + start + "-" + end));
    }

    /** A GET URL valid for {@code ttl}; the response is saved as {@code filename}. */
    URI presign(StoredFile f, String filename, Duration ttl) {
        return URI.create(presigner.presignGetObject(p -> p.signatureDuration(ttl)
                .getObjectRequest(g -> g.bucket(bucket).key(f.key)
                        .responseContentDisposition("attachment; filename=\"" + filename + "\""))).url().toString());
    }
}
