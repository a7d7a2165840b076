package io.vmcored.server.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmcored.protocol.testsupport.Fixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An SSH {@code dd} upload whose sender stops sending without closing (a capture kernel that
 * hung, a link that died silently): the server ends the session after limits.idle-timeout and
 * the dump ends incomplete with a reason, keeping what arrived.
 */
class SshIdleTimeoutTest {

    @TempDir
    Path tmp;

    @Test
    void stalledDdIsClosedAfterTheIdleTimeoutAndTheDumpEndsIncomplete() throws Exception {
        Path flat = Fixtures.stream(CrashRecoveryTest.NAME);
        SshClient ssh = new SshClient(tmp.resolve("client"), tmp.resolve("state"), "web21");
        String d = "/var/crash/127.0.0.1-2026-12-07-11:00:00";
        Path dir = tmp.resolve("spool/web21/127.0.0.1-2026-12-07-11:00:00");
        try (ServerProcess s = ServerProcess.start(tmp, true, "spool.min-free=1M", "limits.idle-timeout=2s")) {
            ssh.trust(tmp.resolve("state"));
            CrashRecoveryTest.ok(ssh.run(s.port("ssh"), "mkdir -p " + d, null));
            try (Client dd = Client.piped(ssh.ssh(s.port("ssh"), "umask 0077 && dd bs=512 of='" + d + "/vmcore-incomplete'"));
                 SlowFeed feed = new SlowFeed(dd.stdin(), new byte[0], flat, 4_000_000, 1_000_000)) {
                feed.awaitPaused(Duration.ofSeconds(60));
                long stalled = System.nanoTime();
                // ssh's stdin stays open: only the server's idle timeout can end this
                Client.Result r = dd.await(Duration.ofSeconds(60));
                long waited = (System.nanoTime() - stalled) / 1_000_000;
                assertNotEquals(0, r.exit(), "ssh dd of a stalled upload must not succeed: " + r);
                assertTrue(waited >= 1500, "closed after about the idle timeout (2 s), not at once: " + waited + " ms");
            }
            Spool.await("the stalled dump to end", Duration.ofSeconds(30), () -> List.of(dir),
                    x -> !"receiving".equals(Spool.text(x, "state")));
            JsonNode man = Spool.manifest(dir);
            assertEquals("incomplete", Spool.text(man, "state"),
                    "dump state after the idle timeout: " + man + "\n" + s.logAbout("web21"));
            assertNotNull(Spool.text(man, "problem"), "the dump says why it is incomplete: " + man);
            assertTrue(Spool.text(man, "problem").contains("idle timeout"), "and names the idle timeout: " + man);
            JsonNode entry = man.path("files").path("vmcore-incomplete");
            assertEquals("incomplete", Spool.text(entry, "state"), "file entry: " + entry);
            assertNotNull(Spool.text(entry, "problem"), "the file says why: " + entry);
            assertTrue(entry.path("committedBytes").asLong() > 0, "what arrived is kept: " + entry);
            assertEquals("MARKED_KDUMP", Spool.text(entry, "incompleteMark"), "header flagged: " + entry);
        }
    }
}
