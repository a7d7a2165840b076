package io.vmcored.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.protocol.testsupport.Fixtures;
import io.vmcored.server.analysis.Waits;
import io.vmcored.server.catalog.DumpRecord;
import io.vmcored.server.catalog.Manifest;
import io.vmcored.server.catalog.StoredCopy;
import io.vmcored.server.config.ServerConfig;
import io.vmcored.server.daemon.TestServer;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Dumps kept in a real S3 server (s3proxy, a process): a fixture stream sent with real nc ends
 * up in the bucket byte for byte what makedumpfile -R wrote, leaves the spool, and downloads
 * from the bucket (whole, a Range, HEAD, a presigned redirect) through the HTTP API with curl;
 * deleting the dump deletes its objects; a store that is down keeps the dump in the spool and
 * takes it when it is back.
 */
class ObjectStoreTest {

    private static final String NAME = "kdump-zlib-d31";
    private static final String BUCKET = "crash-dumps";

    @TempDir
    Path tmp;

    private S3ProxyServer s3;
    private S3Client client;

    @BeforeAll
    static void credentials() {
        S3ProxyServer.useCredentialsInThisJvm();
    }

    @BeforeEach
    void startS3() throws Exception {
        Fixtures.stream(NAME); // skip (or fail under VMCORED_REQUIRE_ALL) before starting anything
        s3 = S3ProxyServer.start(Files.createDirectories(tmp.resolve("s3")));
        s3.createBucket(BUCKET);
        client = s3.client();
    }

    @AfterEach
    void stopS3() throws Exception {
        if (client != null) {
            client.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    private ServerConfig config() {
        ServerConfig c = TestServer.config(tmp);
        c.set("store.url", "s3://" + BUCKET + "/fleet/");
        c.set("store.s3-endpoint", s3.endpoint());
        c.set("store.part-size", "5M"); // the 16 MB dump goes as 4 parts
        c.set("store.parts-in-flight", "3");
        c.set("store.retry-first", "200ms");
        c.set("store.retry-max", "1s");
        return c;
    }

    @Test
    void uploadedDumpIsInTheBucketLeavesTheSpoolAndDownloadsFromIt() throws Exception {
        Path oracle = Fixtures.oracle(NAME);
        try (TestServer s = TestServer.start(config())) {
            s.sh("nc -N 127.0.0.1 $PORT < " + Fixtures.stream(NAME));
            DumpRecord r = freed(s);
            Manifest m = r.snapshot();
            StoredCopy.StoredFile vmcore = m.store.files.get("vmcore");
            assertEquals("fleet/127.0.0.1/" + r.directory().getFileName() + "/vmcore", vmcore.key, "object key");
            assertEquals(Files.size(oracle), vmcore.size, "recorded size");
            assertEquals("sha256:" + sha256(oracle), vmcore.sha256, "recorded SHA-256 = that of makedumpfile -R's file");
            Path got = tmp.resolve("from-bucket");
            try (InputStream in = client.getObject(x -> x.bucket(BUCKET).key(vmcore.key))) {
                Files.copy(in, got);
            }
            assertEquals(-1, Files.mismatch(got, oracle), "object in the bucket vs makedumpfile -R");
            assertFalse(Files.exists(r.fileFor("vmcore")), "the spool's copy of vmcore was freed");
            assertTrue(Files.exists(r.fileFor("dmesg.txt")), "the kernel log stays in the spool");
            assertTrue(m.store.files.containsKey("dmesg.txt"), "the kernel log is in the bucket too");

            String base = "http://127.0.0.1:" + s.http() + "/api/v1/dumps/" + r.id();
            Path whole = tmp.resolve("whole");
            s.sh("curl -sf -o " + whole + " " + base + "/vmcore");
            assertEquals(-1, Files.mismatch(whole, oracle), "GET /vmcore relayed from the bucket vs makedumpfile -R");
            Path part = tmp.resolve("range");
            s.sh("curl -sf -r 5000000-12345677 -o " + part + " " + base + "/files/vmcore");
            byte[] expected = Arrays.copyOfRange(Files.readAllBytes(oracle), 5_000_000, 12_345_678);
            assertTrue(Arrays.equals(expected, Files.readAllBytes(part)), "Range 5000000-12345677 from the bucket");
            String head = s.sh("curl -sfI " + base + "/vmcore").toLowerCase();
            assertTrue(head.contains("content-length: " + Files.size(oracle)), "HEAD of a freed file: " + head);
            String metrics = s.sh("curl -sf http://127.0.0.1:$HTTP/metrics");
            assertTrue(metrics.contains("vmcored_store_uploads_total{outcome=\"uploaded\"} 1.0"), metrics);
            assertTrue(metrics.contains("vmcored_store_pending_dumps 0.0"), "nothing pending");

            s.sh("curl -sf -X DELETE " + base);
            Waits.until("the dump's objects deleted from the bucket", () -> objects("fleet/").isEmpty());
            assertTrue(s.ctx().catalog().get(r.id()).isEmpty(), "dump gone from the catalog");
        }
    }

    @Test
    void presignedRedirectServesTheBytesFromTheBucket() throws Exception {
        ServerConfig c = config();
        c.set("store.presign", "true");
        try (TestServer s = TestServer.start(c)) {
            s.sh("nc -N 127.0.0.1 $PORT < " + Fixtures.stream(NAME));
            DumpRecord r = freed(s);
            String url = "http://127.0.0.1:" + s.http() + "/api/v1/dumps/" + r.id() + "/vmcore";
            String redirect = s.sh("curl -s -o /dev/null -w '%{http_code} %{redirect_url}' " + url);
            assertTrue(redirect.startsWith("302 " + s3.endpoint() + "/" + BUCKET + "/fleet/127.0.0.1/"),
                    "302 to a presigned URL of the bucket: " + redirect);
            assertTrue(redirect.contains("X-Amz-Signature="), "signed: " + redirect);
            Path got = tmp.resolve("via-redirect");
            s.sh("curl -sfL -o " + got + " " + url);
            assertEquals(-1, Files.mismatch(got, Fixtures.oracle(NAME)), "curl -L through the presigned URL");
        }
    }

    @Test
    void retentionDeletesTheObjectsOfTheDumpsItDeletes() throws Exception {
        ServerConfig c = config();
        c.set("retention.max-per-host", "1");
        c.set("retention.interval", "1s");
        try (TestServer s = TestServer.start(c)) {
            s.sh("nc -N 127.0.0.1 $PORT < " + Fixtures.stream(NAME));
            DumpRecord first = freed(s);
            String firstPrefix = "fleet/127.0.0.1/" + first.directory().getFileName() + "/";
            assertFalse(objects(firstPrefix).isEmpty(), "first dump in the bucket");
            s.sh("nc -N 127.0.0.1 $PORT < " + Fixtures.stream(NAME));
            Waits.until("retention deleted the first dump's objects", () -> objects(firstPrefix).isEmpty());
            Waits.until("the second dump uploaded", () -> s.ctx().catalog().list(x -> true).size() == 1
                    && s.ctx().catalog().list(x -> true).get(0).snapshot().store != null);
            DumpRecord second = s.ctx().catalog().list(x -> true).get(0);
            assertFalse(second.id().equals(first.id()), "retention kept the newer dump");
            assertEquals(List.of("fleet/127.0.0.1/" + second.directory().getFileName() + "/dmesg.txt",
                    "fleet/127.0.0.1/" + second.directory().getFileName() + "/vmcore"), objects("fleet/"),
                    "the bucket holds the kept dump's objects only");
        }
    }

    @Test
    void anAgentsLastFileIsAnsweredOnceItsDumpIsInTheBucketAndAtOnceWhileTheBucketIsDown() throws Exception {
        ServerConfig c = config();
        c.set("store.ack-wait", "2m");
        try (TestServer s = TestServer.start(c)) {
            String put = "{ echo 'VMCORED/1 PUT host=%s dump=boot-1 file=vmcore offset=0'; cat " + Fixtures.stream(NAME)
                    + "; } | nc -N 127.0.0.1 $PORT";
            String done = s.sh(String.format(put, "web3"));
            assertTrue(done.startsWith("DONE ") && done.contains("state=complete"), done);
            DumpRecord r = s.ctx().catalog().byClientId("web3", "boot-1").orElseThrow();
            StoredCopy copy = r.snapshot().store;
            assertTrue(copy != null && copy.files.containsKey("vmcore"), "in the bucket when its sender was answered: "
                    + r.snapshot().store);
            assertFalse(objects("fleet/web3/").isEmpty(), "its objects are there");

            s3.stop();
            long t0 = System.nanoTime();
            String whileDown = s.sh(String.format(put, "web4"));
            long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
            assertTrue(whileDown.startsWith("DONE ") && whileDown.contains("state=complete"), whileDown);
            assertTrue(seconds < 60, "answered after the first failed upload attempt, not store.ack-wait: " + seconds + " s");
            DumpRecord kept = s.ctx().catalog().byClientId("web4", "boot-1").orElseThrow();
            assertEquals(null, kept.snapshot().store, "not in the bucket");
            assertTrue(Files.exists(kept.fileFor("vmcore")), "kept in the spool meanwhile");
        }
    }

    @Test
    void storeDownKeepsTheDumpInTheSpoolAndUploadsItWhenBack() throws Exception {
        ServerConfig c = config();
        c.set("store.down-after", "0s");
        c.set("store.refuse-below", "1P"); // any spool is "low": shows the refusal while the store is down
        try (TestServer s = TestServer.start(c)) {
            s3.stop();
            s.sh("nc -N 127.0.0.1 $PORT < " + Fixtures.stream(NAME));
            Waits.until("two failed upload attempts", () -> metric(s, "vmcored_store_uploads_total{outcome=\"failed\"}") >= 2);
            DumpRecord r = s.ctx().catalog().list(x -> true).get(0);
            assertTrue(Files.exists(r.fileFor("vmcore")), "the dump stays in the spool while the store is down");
            assertEquals(null, r.snapshot().store, "not recorded as stored");
            assertEquals(1.0, metric(s, "vmcored_store_pending_dumps"), "one dump pending");
            assertEquals(1.0, metric(s, "vmcored_store_down"), "store down");
            String refused = s.sh("echo 'VMCORED/1 HELLO host=web2 dump=boot-1' | nc -N 127.0.0.1 $PORT");
            assertTrue(refused.contains("object store s3://" + BUCKET + "/fleet/ unreachable"),
                    "a new dump is refused while the store is down and the spool low: " + refused);

            s3.start();
            DumpRecord back = freed(s);
            assertEquals(r.id(), back.id(), "the same dump");
            Path got = tmp.resolve("after-outage");
            try (InputStream in = client.getObject(x -> x.bucket(BUCKET).key(back.snapshot().store.files.get("vmcore").key))) {
                Files.copy(in, got);
            }
            assertEquals(-1, Files.mismatch(got, Fixtures.oracle(NAME)), "uploaded after the outage, byte for byte");
            assertEquals(0.0, metric(s, "vmcored_store_down"), "store up again");
            String hello = s.sh("echo 'VMCORED/1 HELLO host=web2 dump=boot-1' | nc -N 127.0.0.1 $PORT");
            assertTrue(hello.startsWith("OK "), "new dumps taken again: " + hello);
        }
    }

    @Test
    void cacheSizeKeepsTheNewestUploadedDumpInTheSpool() throws Exception {
        ServerConfig c = config();
        c.set("store.cache-size", "20M"); // one 16.6 MB dump fits, two do not
        try (TestServer s = TestServer.start(c)) {
            s.sh("nc -N 127.0.0.1 $PORT < " + Fixtures.stream(NAME));
            Waits.until("the first dump uploaded", () -> s.ctx().catalog().size() == 1
                    && s.ctx().catalog().list(x -> true).get(0).snapshot().store != null);
            DumpRecord first = s.ctx().catalog().list(x -> true).get(0);
            assertTrue(Files.exists(first.fileFor("vmcore")), "uploaded, and kept: it fits in store.cache-size");
            assertEquals(null, first.snapshot().store.freed, "not freed");
            s.sh("nc -N 127.0.0.1 $PORT < " + Fixtures.stream(NAME));
            Waits.until("the first dump freed once the second was uploaded",
                    () -> first.snapshot().store.freed != null);
            assertFalse(Files.exists(first.fileFor("vmcore")), "the older dump left the spool");
            DumpRecord second = s.ctx().catalog().list(x -> !x.id().equals(first.id())).get(0);
            Waits.until("the second dump uploaded", () -> second.snapshot().store != null);
            assertTrue(Files.exists(second.fileFor("vmcore")), "the newest stays in the spool");
            assertEquals(-1, Files.mismatch(second.fileFor("vmcore"), Fixtures.oracle(NAME)), "kept copy intact");
        }
    }

    @Test
    void aDumpFinishedWhileTheStoreWasDownIsUploadedAfterARestart() throws Exception {
        ServerConfig c = config();
        String id;
        s3.stop();
        try (TestServer s = TestServer.start(c)) {
            s.sh("nc -N 127.0.0.1 $PORT < " + Fixtures.stream(NAME));
            Waits.until("a failed upload attempt", () -> metric(s, "vmcored_store_uploads_total{outcome=\"failed\"}") >= 1);
            id = s.ctx().catalog().list(x -> true).get(0).id();
        }
        s3.start();
        try (TestServer s = TestServer.start(config())) {
            DumpRecord r = freed(s);
            assertEquals(id, r.id(), "the dump from before the restart");
            Path got = tmp.resolve("after-restart");
            s.sh("curl -sf -o " + got + " http://127.0.0.1:$HTTP/api/v1/dumps/" + id + "/vmcore");
            assertEquals(-1, Files.mismatch(got, Fixtures.oracle(NAME)), "uploaded at the next start, byte for byte");
        }
    }

    @Test
    void aDumpDeletedWhileTheStoreWasDownLeavesTheBucketAfterARestart() throws Exception {
        String prefix;
        try (TestServer s = TestServer.start(config())) {
            s.sh("nc -N 127.0.0.1 $PORT < " + Fixtures.stream(NAME));
            DumpRecord r = freed(s);
            prefix = "fleet/127.0.0.1/" + r.directory().getFileName() + "/";
            s3.stop();
            s.sh("curl -sf -X DELETE http://127.0.0.1:$HTTP/api/v1/dumps/" + r.id());
            Waits.until("a failed deletion", () -> metric(s, "vmcored_store_deletes_total{outcome=\"failed\"}") >= 1);
            assertTrue(Files.readString(s.config.spoolDir.resolve(".store-deletions")).contains(prefix),
                    "the deletion still to do is noted in the spool");
        }
        s3.start();
        assertEquals(List.of(prefix + "dmesg.txt", prefix + "vmcore"), objects("fleet/"), "still in the bucket");
        try (TestServer s = TestServer.start(config())) {
            Waits.until("the deleted dump's objects gone after the restart", () -> objects("fleet/").isEmpty());
            Waits.until("the note removed", () -> {
                try {
                    return Files.readString(s.config.spoolDir.resolve(".store-deletions")).isEmpty();
                } catch (java.io.IOException e) {
                    return false;
                }
            });
        }
    }

    /** The only dump, once uploaded and its spool copy freed. */
    private static DumpRecord freed(TestServer s) throws InterruptedException {
        Waits.until("a dump", () -> s.ctx().catalog().size() >= 1);
        Waits.until("the dump uploaded and freed from the spool", () -> s.ctx().catalog().list(x -> true).stream()
                .anyMatch(x -> x.snapshot().store != null && x.snapshot().store.freed != null));
        return s.ctx().catalog().list(x -> x.snapshot().store != null).get(0);
    }

    /** Keys under {@code prefix}, without the directory markers s3proxy's filesystem back end lists ("a/b/"). */
    private List<String> objects(String prefix) {
        return client.listObjectsV2Paginator(x -> x.bucket(BUCKET).prefix(prefix)).contents().stream()
                .map(o -> o.key()).filter(k -> !k.endsWith("/")).sorted().toList();
    }

    private static double metric(TestServer s, String series) {
        try {
            String text = s.sh("curl -sf http://127.0.0.1:$HTTP/metrics");
            for (String line : text.split("\n")) {
                if (line.startsWith(series + " ")) {
                    return Double.parseDouble(line.substring(series.length() + 1).trim());
                }
            }
            return -1;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String sha256(Path p) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(p)) {
            byte[] b = new byte[1 << 20];
            int n;
            while ((n = in.read(b)) > 0) {
                d.update(b, 0, n);
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }
}
