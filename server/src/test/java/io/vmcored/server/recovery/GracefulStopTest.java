package io.vmcored.server.recovery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.protocol.testsupport.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM stops the server gracefully: no new connection is taken, an upload in flight may
 * finish within shutdown.drain, one cut after it keeps a resume point on disk and resumes to a
 * byte-identical dump; the server exits 0 and says what it drained and what it cut.
 */
class GracefulStopTest {

    private static final long RATE = 2_000_000;

    @TempDir
    Path tmp;

    @Test
    void anUploadInFlightFinishesWithinTheDrainTime() throws Exception {
        Path flat = Fixtures.stream(CrashRecoveryTest.NAME);
        ServerProcess s = ServerProcess.start(tmp, false, "spool.min-free=1M", "shutdown.drain=60s");
        try (Client tcp = Client.piped(Senders.nc(s.port("tcp")));
             SlowFeed feed = new SlowFeed(tcp.stdin(), Senders.ascii("VMCORED/1 " + Senders.putLine("web50", "b1", 0)
                     + "\n"), flat, RATE, 4_000_000)) {
            feed.awaitPaused(Duration.ofSeconds(60));
            s.signalTerm();
            awaitLog(s, "SIGTERM: stopping");
            Client.Result late = Client.sh("echo 'VMCORED/1 HELLO host=web51 dump=x' | busybox nc 127.0.0.1 "
                    + s.port("tcp"), Senders.TIMEOUT);
            assertTrue(!late.out().startsWith("OK"), "no new connection once stopping: " + late);
            feed.proceed();
            feed.await(Duration.ofSeconds(60));
            feed.close();
            String reply = tcp.await(Senders.TIMEOUT).out().strip();
            assertTrue(reply.startsWith("DONE "), "the upload in flight finished: " + reply);
            assertEquals(0, s.awaitExit(Duration.ofSeconds(90)), "exit status of a graceful stop");
            assertTrue(s.logContains("stopping: 1 uploads were in flight, 1 finished within 60 s, 0 cut now"),
                    s.logText());
            assertTrue(s.logContains("vmcored stopped"), s.logText());
        }
    }

    @Test
    void anUploadCutAfterTheDrainTimeResumesByteIdentical() throws Exception {
        Path flat = Fixtures.stream(CrashRecoveryTest.NAME);
        ServerProcess s = ServerProcess.start(tmp, false, "spool.min-free=1M", "shutdown.drain=1s");
        try (Client tcp = Client.piped(Senders.nc(s.port("tcp")));
             SlowFeed feed = new SlowFeed(tcp.stdin(), Senders.ascii("VMCORED/1 " + Senders.putLine("web52", "b1", 0)
                     + "\n"), flat, RATE, 6_000_000)) {
            feed.awaitPaused(Duration.ofSeconds(60));
            s.signalTerm();
            assertEquals(0, s.awaitExit(Duration.ofSeconds(90)), "exit status of a graceful stop");
            assertTrue(s.logContains("stopping: 1 uploads were in flight, 0 finished within 1 s, 1 cut now"), s.logText());
        }
        try (ServerProcess again = ServerProcess.start(tmp, false, "spool.min-free=1M")) {
            Map<String, String> hello = Senders.hello(again.port("tcp"), "web52", "b1");
            long offset = Long.parseLong(hello.get("offset"));
            assertNotEquals(0L, offset, "the cut upload kept a resume point: " + hello);
            String done = Senders.put(again.port("tcp"), "web52", "b1", offset, flat);
            assertTrue(done.startsWith("DONE "), "resumed at " + offset + ": " + done);
            Path dump = Files.list(tmp.resolve("spool/web52")).findFirst().orElseThrow().resolve("vmcore");
            assertArrayEquals(Files.readAllBytes(Fixtures.oracle(CrashRecoveryTest.NAME)), Files.readAllBytes(dump),
                    "byte-identical to makedumpfile -R");
        }
    }

    private static void awaitLog(ServerProcess s, String text) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!s.logContains(text) && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        assertTrue(s.logContains(text), "log line \"" + text + "\":\n" + s.logText());
    }
}
