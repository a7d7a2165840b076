package io.vmcored.server.store;

import io.vmcored.server.catalog.StoredCopy.StoredFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import net.jpountz.xxhash.StreamingXXHash64;
import net.jpountz.xxhash.XXHashFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * Uploads one spool file as one object, multipart when it is bigger than a part. The file is
 * read once, in order, on the calling thread (the SHA-256 and xxh64 of the whole file are
 * computed on the way); the parts go to the bucket in parallel on {@code parts}, at most
 * {@code inFlight} at once, each holding its bytes in memory. Every part carries its SHA-256
 * ({@code x-amz-checksum-sha256}: AWS, MinIO) and its MD5 ({@code Content-MD5}: every S3 server;
 * a server answering 501 to the former, as s3proxy 2.6 does, gets the MD5 alone from then on),
 * and the bucket refuses a part whose bytes do not match; the whole file's xxh64 must equal the
 * one the spool recorded when the file arrived, and the stored object's size the file's,
 * or the upload is abandoned.
 */
final class PartedUpload {

    private static final String SHA_256 = "SHA-256";
    private static final String MD5 = "MD5";

    private static final Logger LOG = LoggerFactory.getLogger(PartedUpload.class);

    private final S3Client s3;
    private final Executor parts;
    /** Cleared for good when the bucket answers 501 to the SHA-256 checksum (s3proxy 2.6): Content-MD5 only. */
    private volatile boolean sha256 = true;
    private final int partSize;
    private final int inFlight;

    PartedUpload(S3Client s3, Executor parts, long partSize, int inFlight) {
        this.s3 = s3;
        this.parts = parts;
        this.partSize = (int) Math.min(Integer.MAX_VALUE - 64, partSize);
        this.inFlight = inFlight;
    }

    /**
     * Uploads {@code file} to {@code key}. {@code expectedXxh64} is the spool's checksum of the
     * file ({@code xxh64:...}) or null when it has none.
     */
    StoredFile upload(Path file, String bucket, String key, String expectedXxh64) throws IOException, StoreException {
        // what this attempt sends, read once: uploads running at once all meet the 501, and each
        // retries without the header, not only the one that saw it first
        boolean withSum = sha256;
        try {
            return attempt(file, bucket, key, expectedXxh64, withSum);
        } catch (S3Exception | StoreException e) {
            if (!withSum || !notImplemented(e)) {
                throw e;
            }
            if (sha256) {
                sha256 = false;
                LOG.warn("store: s3://{} does not implement x-amz-checksum-sha256 (501): parts carry their Content-MD5"
                        + " only from now on", bucket);
            }
            return attempt(file, bucket, key, expectedXxh64, false);
        }
    }

    private static boolean notImplemented(Exception e) {
        Throwable t = e instanceof StoreException ? e.getCause() : e;
        return t instanceof S3Exception s && s.statusCode() == 501;
    }

    private StoredFile attempt(Path file, String bucket, String key, String expectedXxh64, boolean sum)
            throws IOException, StoreException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
             StreamingXXHash64 xxh = XXHashFactory.fastestInstance().newStreamingHash64(0)) {
            long size = ch.size();
            MessageDigest whole = sha256();
            String etag;
            String checksum;
            if (size <= partSize) {
                byte[] b = read(ch, 0, (int) size);
                whole.update(b);
                xxh.update(b, 0, b.length);
                verify(file, expectedXxh64, xxh);
                var r = s3.putObject(x -> {
                    x.bucket(bucket).key(key).contentLength(size).contentMD5(base64(MD5, b));
                    if (sum) {
                        x.checksumAlgorithm(ChecksumAlgorithm.SHA256).checksumSHA256(base64(SHA_256, b));
                    }
                }, RequestBody.fromBytes(b));
                etag = r.eTag();
                checksum = r.checksumSHA256();
            } else {
                String id = s3.createMultipartUpload(x -> x.bucket(bucket).key(key)
                        .checksumAlgorithm(sum ? ChecksumAlgorithm.SHA256 : null)).uploadId();
                try {
                    List<CompletedPart> done = uploadParts(ch, size, bucket, key, id, whole, xxh, sum);
                    verify(file, expectedXxh64, xxh);
                    var r = s3.completeMultipartUpload(x -> x.bucket(bucket).key(key).uploadId(id)
                            .multipartUpload(u -> u.parts(done)));
                    etag = r.eTag();
                    checksum = r.checksumSHA256();
                } catch (IOException | StoreException | RuntimeException e) {
                    abort(bucket, key, id);
                    throw e;
                }
            }
            HeadObjectResponse head = s3.headObject(x -> x.bucket(bucket).key(key));
            if (head.contentLength() != size) {
                throw new StoreException("object " + key + " holds " + head.contentLength() + " bytes after the upload,"
                        + " the file " + size, false);
            }
            StoredFile f = new StoredFile();
            f.key = key;
            f.etag = etag;
            f.size = size;
            f.sha256 = "sha256:" + HexFormat.of().formatHex(whole.digest());
            f.checksum = checksum;
            return f;
        }
    }

    private List<CompletedPart> uploadParts(FileChannel ch, long size, String bucket, String key, String id,
                                            MessageDigest whole, StreamingXXHash64 xxh, boolean withSha256)
            throws IOException, StoreException {
        Semaphore slots = new Semaphore(inFlight);
        List<CompletableFuture<CompletedPart>> sent = new ArrayList<>();
        try {
            int number = 1;
            for (long at = 0; at < size; at += partSize, number++) {
                slots.acquire();
                failFast(sent);
                byte[] b = read(ch, at, (int) Math.min(partSize, size - at));
                whole.update(b);
                xxh.update(b, 0, b.length);
                int n = number;
                String sum = withSha256 ? base64(SHA_256, b) : null;
                String md5 = base64(MD5, b);
                sent.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        UploadPartResponse r = s3.uploadPart(x -> x.bucket(bucket).key(key).uploadId(id).partNumber(n)
                                .contentLength((long) b.length).contentMD5(md5)
                                .checksumAlgorithm(sum == null ? null : ChecksumAlgorithm.SHA256)
                                .checksumSHA256(sum), RequestBody.fromBytes(b));
                        if (sum != null && r.checksumSHA256() != null && !r.checksumSHA256().equals(sum)) {
                            throw new CompletionException(new StoreException("part " + n + " of " + key
                                    + ": the bucket computed SHA-256 " + r.checksumSHA256() + ", we sent " + sum, false));
                        }
                        return CompletedPart.builder().partNumber(n).eTag(r.eTag()).checksumSHA256(sum).build();
                    } finally {
                        slots.release();
                    }
                }, parts));
            }
            List<CompletedPart> done = new ArrayList<>();
            for (CompletableFuture<CompletedPart> f : sent) {
                done.add(f.get());
            }
            return done;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while uploading " + key, true);
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        } finally {
            sent.forEach(f -> f.cancel(false));
        }
    }

    /** Stops reading further parts once one failed. */
    private static void failFast(List<CompletableFuture<CompletedPart>> sent) throws ExecutionException,
            InterruptedException {
        for (CompletableFuture<CompletedPart> f : sent) {
            if (f.isCompletedExceptionally()) {
                f.get();
            }
        }
    }

    private static StoreException unwrap(Throwable t) {
        Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        if (c instanceof StoreException s) {
            return s;
        }
        return new StoreException(c.getClass().getSimpleName() + ": " + c.getMessage(), true, c);
    }

    private static void verify(Path file, String expected, StreamingXXHash64 xxh) throws StoreException {
        String read = String.format("xxh64:%016x", xxh.getValue());
        if (expected != null && !expected.equals(read)) {
            throw new StoreException(file.getFileName() + " reads as " + read + " but arrived as " + expected
                    + ": the spool's copy changed since it was received; not uploaded, kept", false);
        }
    }

    private void abort(String bucket, String key, String id) {
        try {
            s3.abortMultipartUpload(x -> x.bucket(bucket).key(key).uploadId(id));
        } catch (RuntimeException e) {
            // the bucket's lifecycle rule for incomplete uploads, or the next deletion of the dump, removes it
        }
    }

    private static byte[] read(FileChannel ch, long at, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (ch.read(b, at + b.position()) < 0) {
                throw new IOException("file ended at " + (at + b.position()) + " while being uploaded");
            }
        }
        return b.array();
    }

    private static String base64(String algorithm, byte[] b) {
        return Base64.getEncoder().encodeToString(digest(algorithm).digest(b));
    }

    private static MessageDigest sha256() {
        return digest(SHA_256);
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has " + algorithm, e);
        }
    }
}
