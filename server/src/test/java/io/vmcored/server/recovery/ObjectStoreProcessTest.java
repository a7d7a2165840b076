package io.vmcored.server.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.protocol.testsupport.Fixtures;
import io.vmcored.server.daemon.Shell;
import io.vmcored.server.store.S3ProxyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vmcored serve --store s3://... --s3-endpoint URL} in a process of its own, signing with
 * the credentials of AWS's standard environment variables, against s3proxy: a dump sent with nc
 * (analysis off, so it goes as soon as it is complete) lands in s3proxy's bucket directory byte
 * for byte what makedumpfile -R wrote, and leaves the spool.
 */
class ObjectStoreProcessTest {

    private static final String NAME = "kdump-lzo-d31";

    @TempDir
    Path tmp;

    @Test
    void serveWithStoreOptionsUploadsWithCredentialsFromTheEnvironment() throws Exception {
        Path oracle = Fixtures.oracle(NAME);
        try (S3ProxyServer s3 = S3ProxyServer.start(Files.createDirectories(tmp.resolve("s3")))) {
            s3.createBucket("dumps");
            try (ServerProcess s = ServerProcess.start(Files.createDirectories(tmp.resolve("vmcored")), false, null,
                    S3ProxyServer.environment(), List.of("--store", "s3://dumps/site-a", "--s3-endpoint", s3.endpoint()),
                    "spool.min-free=1M", "store.part-size=5M")) {
                Shell.run("nc -N 127.0.0.1 " + s.port("tcp") + " < " + Fixtures.stream(NAME));
                String uploaded = s.awaitLog("freed from the spool");
                assertTrue(uploaded.contains("kept in s3://dumps/site-a/127.0.0.1/"), uploaded);
                assertTrue(s.logContains("store: finished dumps go to s3://dumps/site-a/ at " + s3.endpoint()),
                        "start line names the store:\n" + s.logAbout("store"));
                // s3proxy's filesystem back end keeps each object as a file: BUCKET/KEY
                Path object;
                try (Stream<Path> found = Files.walk(tmp.resolve("s3/buckets/dumps/site-a"))) {
                    object = found.filter(p -> p.getFileName().toString().equals("vmcore")).findFirst().orElseThrow();
                }
                assertEquals(-1, Files.mismatch(object, oracle), "the object s3proxy stored vs makedumpfile -R");
                try (Stream<Path> spool = Files.walk(tmp.resolve("vmcored/spool"))) {
                    assertFalse(spool.anyMatch(p -> p.getFileName().toString().equals("vmcore")),
                            "no vmcore left in the spool");
                }
            }
        }
    }
}
