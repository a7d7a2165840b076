package io.vmcored.server.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmcored.protocol.testsupport.Fixtures;
import io.vmcored.protocol.testsupport.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real ENOSPC: the spool is a 64 MiB tmpfs and the watermark (spool.min-free) is 1 byte, so
 * it is the write that fails, not the free-space check. A dump stored before stays intact, the
 * upload that filled the disk ends incomplete with a reason in its manifest, and its sender
 * is told (TCP reply line, HTTP non-2xx JSON, ssh exit status).
 */
class DiskFullTest {

    /** 60 MB rearranged: more than the tmpfs has left after the first dump. */
    static final String BIG = "kdump-none-d31";

    @TempDir
    Path tmp;
    Path spool;

    @BeforeEach
    void mountTinySpool() throws Exception {
        spool = Files.createDirectories(tmp.resolve("spool"));
        Client.Result r = Client.sh("mount -t tmpfs -o size=64m,mode=0700 tmpfs " + spool, Duration.ofSeconds(30));
        Requirements.require(r.exit() == 0, "cannot mount a tmpfs here (needs root): " + r);
    }

    @AfterEach
    void unmount() throws Exception {
        Client.Result r = Client.sh("umount " + spool, Duration.ofSeconds(30));
        assertEquals(0, r.exit(), "umount of the test spool: " + r);
    }

    @Test
    void tcp() throws Exception {
        try (ServerProcess s = start(false)) {
            int port = s.port("tcp");
            String first = Senders.put(port, "f1", "small", 0, Fixtures.stream(CrashRecoveryTest.NAME));
            assertTrue(first.startsWith("DONE "), "first dump fits: " + first);
            String reply = Senders.put(port, "f1", "big", 0, Fixtures.stream(BIG));
            assertTrue(reply.startsWith("FAIL ") || reply.startsWith("REFUSED "), "the sender is told: " + reply);
            assertTrue(reply.contains(" reason="), "with a reason: " + reply);
            Path stored = new Spool(spool).only("f1", "small");
            Path failed = new Spool(spool).only("f1", "big");
            checkAfterDiskFull(s, stored, failed, "vmcore", "TCP reply: " + reply);
        }
    }

    @Test
    void http() throws Exception {
        try (ServerProcess s = start(false)) {
            int port = s.port("http");
            Senders.HttpAnswer first = Senders.httpPut(port, "f2", "small", 0, Fixtures.stream(CrashRecoveryTest.NAME));
            assertEquals(201, first.code(), "first dump fits: " + first);
            Senders.HttpAnswer a = Senders.httpPut(port, "f2", "big", 0, Fixtures.stream(BIG));
            String story = "HTTP answer: " + a + "\n" + s.logAbout("f2");
            assertTrue(a.code() >= 300, "the sender is told with a non-2xx status: " + story);
            JsonNode body = a.json();
            assertTrue(body.has("error") || body.has("problem"), "JSON body says why: " + story);
            Path stored = new Spool(spool).only("f2", "small");
            Path failed = new Spool(spool).only("f2", "big");
            checkAfterDiskFull(s, stored, failed, "vmcore", story);
        }
    }

    @Test
    void ssh() throws Exception {
        SshClient ssh = new SshClient(tmp.resolve("client"), tmp.resolve("state"), "f3");
        try (ServerProcess s = start(true)) {
            ssh.trust(tmp.resolve("state"));
            int port = s.port("ssh");
            String small = "/var/crash/127.0.0.1-2026-12-07-12:00:00";
            String big = "/var/crash/127.0.0.1-2026-12-07-12:05:00";
            CrashRecoveryTest.ok(ssh.run(port, "mkdir -p " + small, null));
            CrashRecoveryTest.ok(ssh.run(port, "dd bs=512 of='" + small + "/vmcore-incomplete'",
                    Fixtures.stream(CrashRecoveryTest.NAME)));
            CrashRecoveryTest.ok(ssh.run(port, "mv '" + small + "/vmcore-incomplete' '" + small + "/vmcore.flat'", null));
            CrashRecoveryTest.ok(ssh.run(port, "mkdir -p " + big, null));
            Client.Result r = ssh.run(port, "dd bs=512 of='" + big + "/vmcore-incomplete'", Fixtures.stream(BIG));
            String story = "ssh dd: " + r + "\n" + s.logAbout("f3");
            assertNotEquals(0, r.exit(), "ssh dd onto a full disk must fail: " + story);
            assertTrue(!r.err().isBlank(), "and say why on stderr: " + story);
            checkAfterDiskFull(s, spool.resolve("f3/127.0.0.1-2026-12-07-12:00:00"),
                    spool.resolve("f3/127.0.0.1-2026-12-07-12:05:00"), "vmcore-incomplete", story);
        }
    }

    /**
     * The disk fills up between the watermark check and the upload's first write (many uploads
     * starting at once): the dump's first manifest takes the spool's last page, its next write
     * fails. The sender is told disk_low (HTTP 507: go to the fallback), and the dump does not stay
     * "receiving" for ever (no upload would ever end it; DELETE and retention would skip it).
     */
    @Test
    void anUploadTheFullDiskStopsBeforeItsFirstByteIsRefusedAndItsDumpEnds() throws Exception {
        try (ServerProcess s = ServerProcess.start(tmp, false, "spool.min-free=1", "admission.max-concurrent-full=1")) {
            int port = s.port("http");
            // every page of the tmpfs but one taken
            Client.Result fill = Client.sh("avail=$(df --output=avail -B1 " + spool + " | tail -n 1) && head -c $((avail - 4096)) "
                    + "/dev/zero > " + spool + "/filler; df --output=avail -B1 " + spool + " | tail -n 1", Duration.ofSeconds(60));
            assertEquals("4096", fill.out().strip(), "free bytes left on the spool: " + fill);
            Senders.HttpAnswer a = Senders.httpPut(port, "f4", "nostart", 0, Fixtures.stream(CrashRecoveryTest.NAME));
            String story = "HTTP answer: " + a + "\n" + s.logAbout("f4");
            assertEquals(507, a.code(), "a full disk is answered as one, not as a server error: " + story);
            assertEquals("disk_low", a.json().path("error").asText(), story);
            Client.Result list = Client.sh("curl -sS 'http://127.0.0.1:" + port + "/api/v1/dumps?host=f4'", Duration.ofSeconds(30));
            JsonNode items = Spool.json(list.out()).path("items");
            assertEquals(1, items.size(), "the dump the upload created: " + list + "\n" + story);
            assertEquals("incomplete", items.get(0).path("state").asText(), "not left receiving: " + items + "\n" + story);
            assertNotNull(Spool.text(items.get(0), "problem"), "it says why: " + items);
            // nor does it hold one of admission.max-concurrent-full (1 here) once the disk has room
            Files.delete(spool.resolve("filler"));
            Map<String, String> next = Senders.hello(s.port("tcp"), "f5", "next");
            assertEquals("full", next.get("steer-decision"), "the next dump is granted, not told to wait: " + next
                    + "\n" + story);
        }
    }

    /**
     * The watermark stops an SSH upload already running, as it stops TCP and HTTP ones: with
     * spool.min-free=40M on the 64 MiB spool, the 60 MB dump is cut once the spool is below 40M
     * (within the 8 MiB between two looks), with that reason, not written on until ENOSPC.
     */
    @Test
    void sshUploadStopsAtTheWatermark() throws Exception {
        SshClient ssh = new SshClient(tmp.resolve("client"), tmp.resolve("state"), "f6");
        try (ServerProcess s = ServerProcess.start(tmp, true, "spool.min-free=40M")) {
            ssh.trust(tmp.resolve("state"));
            String big = "/var/crash/127.0.0.1-2026-12-07-12:10:00";
            CrashRecoveryTest.ok(ssh.run(s.port("ssh"), "mkdir -p " + big, null));
            Client.Result r = ssh.run(s.port("ssh"), "dd bs=512 of='" + big + "/vmcore-incomplete'", Fixtures.stream(BIG));
            String story = "ssh dd: " + r + "\n" + s.logAbout("f6");
            assertNotEquals(0, r.exit(), "the upload is stopped: " + story);
            assertTrue(r.err().contains("spool low on disk space"), "stderr says why: " + story);
            JsonNode man = Spool.poll(spool.resolve("f6/127.0.0.1-2026-12-07-12:10:00"), Duration.ofSeconds(20),
                    m -> !"receiving".equals(Spool.text(m, "state")));
            assertEquals("incomplete", Spool.text(man, "state"), man + "\n" + story);
            assertTrue(Spool.text(man, "problem").contains("spool low on disk space"), "the watermark, not ENOSPC: " + man);
            Client.Result free = Client.sh("df --output=avail -B1 " + spool + " | tail -n 1", Duration.ofSeconds(30));
            assertTrue(Long.parseLong(free.out().strip()) > 24L << 20, "stopped near the watermark: " + free.out() + " bytes free");
        }
    }

    private ServerProcess start(boolean ssh) throws Exception {
        return ServerProcess.start(tmp, ssh, "spool.min-free=1");
    }

    private static void checkAfterDiskFull(ServerProcess s, Path stored, Path failed, String failedFile, String story)
            throws Exception {
        assertEquals(-1, Files.mismatch(stored.resolve("vmcore"), Fixtures.oracle(CrashRecoveryTest.NAME)),
                "dump stored before the disk filled up must stay intact; " + story);
        assertEquals("complete", Spool.text(Spool.manifest(stored), "state"), "its manifest; " + story);
        // the manifest on disk is what an operator and a restarted server see
        JsonNode man = Spool.poll(failed, Duration.ofSeconds(20), m -> !"receiving".equals(Spool.text(m, "state")));
        assertEquals("incomplete", Spool.text(man, "state"), "dump that hit ENOSPC: " + man + "\n" + story);
        assertNotNull(Spool.text(man, "problem"), "it says why: " + man);
        JsonNode entry = man.path("files").path(failedFile);
        assertEquals("incomplete", Spool.text(entry, "state"), "its file: " + entry);
        assertNotNull(Spool.text(entry, "problem"), "the file says why: " + entry);
        assertTrue(s.logContains("vmcored started") && s.port("http") > 0, "server still up");
        Client.Result health = Client.sh("curl -sS http://127.0.0.1:" + s.port("http") + "/healthz", Duration.ofSeconds(30));
        assertEquals("ok", health.out().strip(), "server keeps serving after ENOSPC: " + health);
    }
}
