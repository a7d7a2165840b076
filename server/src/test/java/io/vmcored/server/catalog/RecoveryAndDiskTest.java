package io.vmcored.server.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.protocol.testsupport.Fixtures;
import io.vmcored.protocol.testsupport.Processes;
import io.vmcored.protocol.testsupport.Requirements;
import io.vmcored.server.config.ServerConfig;
import io.vmcored.server.daemon.TestServer;
import io.vmcored.server.http.PrometheusText;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server killed mid-upload and restarted; a spool on a tiny tmpfs that fills up. */
class RecoveryAndDiskTest {

    @TempDir
    Path tmp;

    @Test
    void restartMarksReceivingIncompleteAndTheUploadResumes() throws Exception {
        String name = "kdump-zlib-d31";
        byte[] stream = Files.readAllBytes(Fixtures.stream(name));
        ServerConfig c = TestServer.config(tmp);
        Path dir;
        try (TestServer s = TestServer.start(c);
             Socket sock = new Socket("127.0.0.1", s.tcp())) {
            OutputStream out = sock.getOutputStream();
            out.write("VMCORED/1 PUT host=r1 dump=d offset=0\n".getBytes(StandardCharsets.US_ASCII));
            out.write(stream, 0, 6_000_000);
            out.flush();
            // wait until the server checkpointed a resumable point (every 5 s) while the sender stalls
            DumpRecord r = null;
            for (int i = 0; i < 200 && (r == null || r.resumePoint("vmcore") == null); i++) {
                Thread.sleep(50);
                List<DumpRecord> rs = s.ctx().catalog().list(x -> x.host().equals("r1"));
                r = rs.isEmpty() ? null : rs.get(0);
                if (r != null && i % 20 == 0) {
                    out.write(stream, 6_000_000 + i * 10, 10);
                    out.flush();
                }
            }
            assertTrue(r != null && r.resumePoint("vmcore") != null, "checkpoint written while receiving");
            dir = r.directory();
            assertEquals("receiving", ManifestIo.read(dir).state.wire(), "manifest on disk while receiving");
            // simulate a crash: the server stops while the dump is receiving (the socket is still open)
            s.server.context().group().shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        }
        try (TestServer s = TestServer.start(c)) {
            Manifest m = ManifestIo.read(dir);
            assertEquals(DumpState.INCOMPLETE, m.state, "state after restart");
            String hello = s.sh("echo 'VMCORED/1 HELLO host=r1 dump=d' | busybox nc 127.0.0.1 $PORT");
            long off = Long.parseLong(hello.replaceAll(".* offset=([0-9]+) .*\\s*", "$1"));
            assertTrue(off > 0, "resumable after restart: " + hello);
            Path rest = tmp.resolve("rest");
            Files.write(rest, Arrays.copyOfRange(stream, (int) off, stream.length));
            String done = s.sh("{ echo 'VMCORED/1 PUT host=r1 dump=d offset=" + off + "'; cat " + rest
                    + "; } | busybox nc 127.0.0.1 $PORT");
            assertTrue(done.startsWith("DONE "), "resumed after restart: " + done);
            assertEquals(-1, Files.mismatch(dir.resolve("vmcore"), Fixtures.oracle(name)), "dump after restart + resume");
        }
    }

    @Test
    void completeDumpIsSyncedAfterTheReplyAndAnUnsyncedOneIsNotTrustedAfterARestart() throws Exception {
        String name = "kdump-lzo-d31";
        ServerConfig c = TestServer.config(tmp);
        Path dir;
        try (TestServer s = TestServer.start(c)) {
            String done = s.sh("{ echo 'VMCORED/1 PUT host=s1 dump=d offset=0'; cat " + Fixtures.stream(name)
                    + "; } | busybox nc 127.0.0.1 $PORT");
            assertTrue(done.startsWith("DONE "), "answered complete: " + done);
            dir = s.ctx().catalog().list(x -> x.host().equals("s1")).get(0).directory();
            Manifest m = ManifestIo.read(dir);
            for (int i = 0; i < 200 && m.files.get("vmcore").synced == null; i++) {
                Thread.sleep(50);
                m = ManifestIo.read(dir);
            }
            assertTrue(m.files.get("vmcore").synced != null, "the file is forced to disk after the reply");
            assertTrue(m.files.get("vmcore").checksum.startsWith("xxh64:"), "checksum stored with it");
        }
        // what a power cut between the reply and the fsync can leave: a manifest saying complete, no sync
        Manifest m = ManifestIo.read(dir);
        m.files.get("vmcore").synced = null;
        ManifestIo.write(dir, m);
        try (TestServer s = TestServer.start(c)) {
            Manifest after = ManifestIo.read(dir);
            assertEquals(DumpState.INCOMPLETE, after.state, "not trusted as complete");
            assertTrue(after.files.get("vmcore").problem.contains("before the received file was forced to disk"),
                    after.files.get("vmcore").problem);
            assertEquals("MARKED_KDUMP", after.files.get("vmcore").incompleteMark, "marked in the dump header too");
        }
    }

    @Test
    void fullDiskStopsUploadsCleanlyAndRefusesNewOnes() throws Exception {
        Path mnt = Files.createDirectories(tmp.resolve("tmpfs"));
        Processes.Result mount = Processes.run(Duration.ofSeconds(30), "mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs",
                mnt.toString());
        Requirements.require(mount.exit() == 0, "root, to mount a tmpfs (" + mount + ")");
        try {
            ServerConfig c = TestServer.config(mnt);
            c.minFreeBytes = 12 << 20;
            try (TestServer s = TestServer.start(c)) {
                String reply = s.sh("{ echo 'VMCORED/1 PUT host=f1 dump=d offset=0'; cat "
                        + Fixtures.stream("kdump-none-d31") + "; } | busybox nc 127.0.0.1 $PORT");
                assertTrue(reply.startsWith("FAIL reason=disk_low"), "reply when the disk fills: " + reply);
                DumpRecord r = s.ctx().catalog().list(x -> x.host().equals("f1")).get(0);
                assertEquals(DumpState.INCOMPLETE, ManifestIo.read(r.directory()).state, "manifest of the stopped upload");
                String refused = s.sh("echo 'VMCORED/1 PUT host=f2 dump=d offset=0' | busybox nc 127.0.0.1 $PORT");
                assertTrue(refused.startsWith("REFUSED reason=disk_low"), "new upload on a full disk: " + refused);
                assertEquals("507", s.sh("curl -s -o /dev/null -w '%{http_code}' -T " + Fixtures.stream("kdump-zlib-d31")
                        + " http://127.0.0.1:$HTTP/api/v1/dumps/f3"), "HTTP upload on a full disk");
                String health = s.sh("curl -sS http://127.0.0.1:$HTTP/healthz");
                assertEquals("ok\n", health, "server keeps running");
                Map<String, Double> m = PrometheusText.parse(s.sh("curl -sS http://127.0.0.1:$HTTP/metrics"));
                assertEquals(2.0, m.get("vmcored_uploads_refused_total{reason=\"disk_low\"}"), "refusal metric (tcp + http)");
                assertEquals(1.0, m.get("vmcored_uploads_finished_total{outcome=\"incomplete\",transport=\"tcp\"}"),
                        "incomplete metric");
            }
        } finally {
            Processes.run(Duration.ofSeconds(30), "umount", mnt.toString());
        }
    }

    static String read(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
}
