package io.vmcored.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmcored.protocol.testsupport.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole kdump path for real: Debian's kernel under QEMU/TCG panics through sysrq, its
 * capture kernel (loaded with kexec -p) runs vmcored-agent, which uploads over user-mode
 * networking (the host's loopback is 10.0.2.2 in the guest) to a vmcored started here.
 *
 * <p>What is comparable: the guest's /proc/vmcore exists only inside the capture kernel, so
 * after the agent a test-only hook streams it raw to a socat listener; the host's
 * makedumpfile then makes a stream from it with the agent's pinned options, and
 * {@code makedumpfile -R} of that stream is what the stored dump must equal byte for byte.
 */
class AgentCrashE2eTest {

    private static final String PANIC = "Kernel panic - not syncing: sysrq triggered crash";
    private static final Duration RUN = Duration.ofSeconds(120);

    private static Path images;

    @TempDir
    Path dir;

    /** The raw-vmcore listeners started: a test that failed early must not leave one behind. */
    private final List<Process> sinks = new ArrayList<>();

    @BeforeAll
    static void images() {
        images = E2eSupport.guestImages();
    }

    @AfterEach
    void stopSinks() throws InterruptedException {
        for (Process sink : sinks) {
            Processes.kill(sink);
        }
    }

    @Test
    void crashedGuestUploadsDumpIdenticalToMakedumpfileOfItsVmcore() throws Exception {
        try (TestServer server = new TestServer(dir.resolve("server"), 0, 0, Map.of()).start()) {
            int rawPort = E2eSupport.freePort();
            Path raw = dir.resolve("raw.elf");
            Process sink = Oracle.rawSink(rawPort, raw);
            sinks.add(sink);
            long t0 = System.nanoTime();
            try (Guest guest = new Guest(images, dir.resolve("happy"), List.of("vmcored.port=" + server.tcpPort(),
                    "vmcored.host=e2e-guest", "vmcoredtest.raw_port=" + rawPort))) {
                assertEquals(0, guest.awaitAgentExit(RUN), "agent exit status");
                long agentDone = guest.seconds();
                guest.awaitEnd(RUN);
                System.out.printf("e2e happy path: agent done after %d s, guest (with raw vmcore copy) ended after %d s%n",
                        agentDone, guest.seconds());
            }
            assertTrue(sink.waitFor(30, TimeUnit.SECONDS), "socat raw sink ended");
            Path dump = server.onlyDump();
            assertComplete(dump, "e2e-guest");
            assertIdenticalToOracle(dump.resolve("vmcore"), raw, "-l -d 31 --cyclic-buffer 1024");
            assertTrue(Oracle.dmesg(dump.resolve("vmcore")).contains(PANIC), "dmesg of the stored dump shows the panic");
            assertTrue(Files.readString(dump.resolve("vmcore-dmesg.txt")).contains(PANIC),
                    "the kernel log the agent sent first shows the panic");
            System.out.printf("e2e happy path total %d s%n", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0));
        }
    }

    @Test
    void linkCutMidUploadResumesFromCommittedOffset() throws Exception {
        // the server gives up on a silent connection after 2 s; the agent then resumes
        try (TestServer server = new TestServer(dir.resolve("server"), 0, 0,
                Map.of("limits.idle-timeout", "2s")).start()) {
            int rawPort = E2eSupport.freePort();
            Path raw = dir.resolve("raw.elf");
            Process sink = Oracle.rawSink(rawPort, raw);
            sinks.add(sink);
            try (Guest guest = new Guest(images, dir.resolve("linkcut"), List.of("vmcored.port=" + server.tcpPort(),
                    "vmcored.host=cut-guest", "vmcored.compress=none", "vmcored.stall-timeout=10",
                    "vmcoredtest.raw_port=" + rawPort))) {
                long cutAt = awaitDumpBytes(server, guest, 4L << 20);
                guest.link(false);
                Thread.sleep(4000);
                guest.link(true);
                assertEquals(0, guest.awaitAgentExit(RUN), "agent exit status");
                System.out.printf("e2e link cut: cut with %d bytes on disk, agent done after %d s%n", cutAt, guest.seconds());
                assertTrue(guest.find(l -> l.contains("resuming at byte")).isPresent(),
                        "agent resumed from an offset; console:\n" + guest.tail(30));
                guest.awaitEnd(RUN);
            }
            assertTrue(sink.waitFor(30, TimeUnit.SECONDS), "socat raw sink ended");
            Path dump = server.onlyDump();
            JsonNode m = assertComplete(dump, "cut-guest");
            assertTrue(m.path("resumes").asInt() >= 1, "manifest counts the resume: " + m);
            assertIdenticalToOracle(dump.resolve("vmcore"), raw, "-d 31 --cyclic-buffer 1024");
        }
    }

    @Test
    void serverDownAtFirstIsRetriedUntilItStarts() throws Exception {
        int port = E2eSupport.freePort();
        try (Guest guest = new Guest(images, dir.resolve("late"), List.of("vmcored.port=" + port,
                "vmcored.host=late-guest", "vmcored.retries=10"))) {
            guest.await(l -> l.contains("retry 2/10"), RUN, "second retry of the agent");
            try (TestServer server = new TestServer(dir.resolve("server"), port, 0, Map.of()).start()) {
                assertEquals(0, guest.awaitAgentExit(RUN), "agent exit status");
                System.out.printf("e2e server late: agent done after %d s%n", guest.seconds());
                Path dump = server.onlyDump();
                assertComplete(dump, "late-guest");
                assertTrue(Oracle.dmesg(dump.resolve("vmcore")).contains(PANIC), "dmesg of the stored dump shows the panic");
            }
        }
    }

    @Test
    void serverRefusingForDiskSpaceMakesAgentFallBack() throws Exception {
        try (TestServer full = new TestServer(dir.resolve("full"), 0, 0, Map.of("spool.min-free", "1000T")).start();
             TestServer spare = new TestServer(dir.resolve("spare"), 0, 0, Map.of()).start();
             Guest guest = new Guest(images, dir.resolve("fallback"), List.of("vmcored.port=" + full.tcpPort(),
                     "vmcored.host=full-guest", "vmcored.fallback-server=10.0.2.2",
                     "vmcored.fallback-port=" + spare.tcpPort()))) {
            assertEquals(0, guest.awaitAgentExit(RUN), "agent exit status");
            System.out.printf("e2e disk full -> fallback: agent done after %d s%n", guest.seconds());
            assertTrue(guest.find(l -> l.contains("disk low")).isPresent(), "agent reported the refusal");
            List<String> stored = new ArrayList<>();
            for (Path d : full.dumps()) {
                stored.add(TestServer.manifest(d).path("state").asText());
            }
            assertFalse(stored.contains("complete"), "the full server stored no complete dump: " + stored);
            Path dump = spare.onlyDump();
            assertComplete(dump, "full-guest");
            assertTrue(Oracle.dmesg(dump.resolve("vmcore")).contains(PANIC), "dmesg of the fallback dump shows the panic");
        }
    }

    /** Waits until the server has {@code bytes} of the dump file on disk; returns the size seen. */
    private static long awaitDumpBytes(TestServer server, Guest guest, long bytes) throws Exception {
        long deadline = System.nanoTime() + RUN.toNanos();
        while (System.nanoTime() < deadline) {
            for (Path d : server.dumps()) {
                Path f = d.resolve("vmcore");
                if (Files.exists(f) && Files.size(f) >= bytes) {
                    return Files.size(f);
                }
            }
            assertFalse(guest.find(l -> l.startsWith(Guest.EXIT_MARKER)).isPresent(),
                    "agent finished before the link could be cut; console:\n" + guest.tail(20));
            Thread.sleep(20);
        }
        throw new AssertionError("no dump bytes arrived; console:\n" + guest.tail(30));
    }

    private static JsonNode assertComplete(Path dump, String host) throws Exception {
        JsonNode m = TestServer.manifest(dump);
        assertEquals("complete", m.path("state").asText(), "dump state in " + dump + ": " + m);
        assertEquals(host, m.path("host").asText(), "host in manifest");
        assertEquals("complete", m.path("files").path("vmcore").path("state").asText(), "vmcore file state");
        assertEquals("complete", m.path("files").path("vmcore-dmesg.txt").path("state").asText(), "kernel log file state");
        return m;
    }

    private void assertIdenticalToOracle(Path stored, Path raw, String opts) throws Exception {
        assertTrue(Files.size(raw) > 100L << 20, "raw vmcore copy arrived: " + Files.size(raw) + " bytes");
        Path oracle = Oracle.rearranged(raw, opts, dir.resolve("oracle.dump"));
        assertEquals(Files.size(oracle), Files.size(stored), "stored dump size vs makedumpfile -R of the vmcore");
        assertArrayEquals(Files.readAllBytes(oracle), Files.readAllBytes(stored),
                "stored dump is byte-identical to makedumpfile -R of a stream of the same vmcore");
    }
}
