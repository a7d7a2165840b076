package io.vmcored.server.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.protocol.testsupport.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two uploads of the same host and dump at once (a retry while the first connection still
 * lives, two senders started together). docs/server.md: one upload per file at a time; the
 * later one stops the earlier and is refused {@code busy} (HTTP 409), the sender retries and
 * resumes. The stored dump must end byte-identical to makedumpfile -R, one dump per dump id,
 * never a mix of two streams.
 */
class SameDumpTwiceTest {

    static final String NAME = CrashRecoveryTest.NAME;

    @TempDir
    static Path tmp;
    /** One server for all cases (each its own host or dump directory): a start costs seconds on a busy machine. */
    static ServerProcess s;
    static Spool spool;
    static SshClient ssh;

    @BeforeAll
    static void start() throws Exception {
        ssh = new SshClient(tmp.resolve("client"), tmp.resolve("state"), "web33");
        s = ServerProcess.start(tmp, true, "spool.min-free=1M");
        ssh.trust(tmp.resolve("state"));
        spool = new Spool(tmp.resolve("spool"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (s != null) {
            s.close();
        }
    }

    @Test
    void httpSecondPutWhileTheFirstIsReceivingIsRefusedBusyAndTheSenderResumes() throws Exception {
        Path flat = Fixtures.stream(NAME);
        int port = s.port("http");
        Senders.HttpAnswer second;
        Client.Result first;
        try (Client a = Client.piped(Senders.curlPut(port, "web31", "twice-1"));
             SlowFeed feed = new SlowFeed(a.stdin(), new byte[0], flat, 4_000_000, 2_000_000)) {
            // the first sender hangs after 2 MB with its connection open: the second cannot race its end
            feed.awaitPaused(Duration.ofSeconds(60));
            Spool.await("the first PUT to be receiving", Duration.ofSeconds(60), () -> spool.byClientId("web31", "twice-1"),
                    m -> "receiving".equals(Spool.text(m.path("files").path("vmcore"), "state")));
            second = Senders.httpPut(port, "web31", "twice-1", 0, flat);
            feed.proceed();
            first = a.await(Duration.ofSeconds(60));
        }
        String story = "second PUT: " + second + "\nfirst PUT: " + first + "\n" + s.logAbout("web31");
        assertEquals(409, second.code(), "a PUT of a file still being received: " + story);
        assertEquals("busy", second.json().path("error").asText(), story);
        String retries = resumeOverHttp(port, "web31", "twice-1", flat);
        assertEquals(-1, Files.mismatch(spool.only("web31", "twice-1").resolve("vmcore"), Fixtures.oracle(NAME)),
                "dump after the retry vs makedumpfile -R; " + story + "\nretries: " + retries);
    }

    @Test
    void httpTwoPutsStartedTogetherMakeOneDump() throws Exception {
        Path flat = Fixtures.stream(NAME);
        int port = s.port("http");
        startedTogether("web32", id -> "curl -sS -o /dev/null -w '%{http_code}\\n' -T " + flat + " '"
                + Senders.url(port, "web32", id) + "'", id -> resumeOverHttp(port, "web32", id, flat));
    }

    /** The handshake's PUT looks its dump up the same way as HTTP's: the same race, over busybox nc. */
    @Test
    void tcpTwoPutsStartedTogetherMakeOneDump() throws Exception {
        Path flat = Fixtures.stream(NAME);
        int port = s.port("tcp");
        startedTogether("web35", id -> "{ echo 'VMCORED/1 " + Senders.putLine("web35", id, 0) + "'; cat " + flat
                + "; } | busybox nc 127.0.0.1 " + port, id -> resumeOverTcp(port, "web35", id, flat));
    }

    interface Retry {
        String until(String dumpId) throws Exception;
    }

    /**
     * Five rounds of two senders of one dump id started by one shell at the same moment (the
     * window is the few milliseconds between looking the id up and creating its dump), each
     * followed by the sender's retry: one dump directory per id, identical to makedumpfile -R.
     */
    private static void startedTogether(String host, Function<String, String> put, Retry retry)
            throws Exception {
        List<String> problems = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            String id = "together-" + round;
            Client.Result r = Client.sh(put.apply(id) + " & " + put.apply(id) + " & wait", Senders.TIMEOUT);
            String retries = retry.until(id);
            List<Path> dirs = spool.byClientId(host, id);
            if (dirs.size() != 1) {
                problems.add(id + ": " + dirs.size() + " dump directories " + dirs + " (answers: "
                        + r.out().strip().replace('\n', '|') + ")");
            }
            for (Path d : dirs) {
                if (Files.mismatch(d.resolve("vmcore"), Fixtures.oracle(NAME)) != -1) {
                    problems.add(id + ": " + d + " differs from makedumpfile -R (retries: " + retries + ")");
                }
            }
        }
        assertTrue(problems.isEmpty(), "two PUTs of one dump id started together must leave one dump, identical"
                + " to makedumpfile -R:\n" + String.join("\n", problems) + "\n" + s.logAbout(host));
    }

    @Test
    void sshSecondDdToTheSamePathWhileTheFirstIsReceiving() throws Exception {
        Path flat = Fixtures.stream(NAME);
        String d = "/var/crash/127.0.0.1-2026-12-07-13:00:00";
        Path dir = tmp.resolve("spool/web33/127.0.0.1-2026-12-07-13:00:00");
        int port = s.port("ssh");
        CrashRecoveryTest.ok(ssh.run(port, "mkdir -p " + d, null));
        String dd = "umask 0077 && dd bs=512 of='" + d + "/vmcore-incomplete'";
        Client.Result first;
        Client.Result second;
        try (Client a = Client.piped(ssh.ssh(port, dd));
             SlowFeed feed = new SlowFeed(a.stdin(), new byte[0], flat, 4_000_000, 2_000_000)) {
            feed.awaitPaused(Duration.ofSeconds(60));
            Spool.await("the first dd to be receiving", Duration.ofSeconds(60), () -> List.of(dir),
                    m -> "receiving".equals(Spool.text(m.path("files").path("vmcore-incomplete"), "state")));
            second = ssh.run(port, dd, flat);
            feed.proceed();
            first = a.await(Duration.ofSeconds(60));
        }
        String story = "first dd: " + first + "\nsecond dd: " + second + "\n" + s.logAbout("13:00:00");
        assertTrue((first.exit() == 0) != (second.exit() == 0), "exactly one of the two dd wins: " + story);
        assertTrue(!(first.exit() == 0 ? second : first).err().isBlank(), "the loser is told why: " + story);
        // RHEL renames only after a dd that succeeded; the loser's sender would start over
        CrashRecoveryTest.ok(ssh.run(port, "mv '" + d + "/vmcore-incomplete' '" + d + "/vmcore.flat'", null));
        assertEquals(-1, Files.mismatch(dir.resolve("vmcore"), Fixtures.oracle(NAME)),
                "stored dump vs makedumpfile -R: " + story);
        assertEquals("complete", Spool.text(Spool.manifest(dir), "state"), story);
    }

    @Test
    void sshTwoDdStartedTogether() throws Exception {
        Path flat = Fixtures.stream(NAME);
        int port = s.port("ssh");
        String d = "/var/crash/127.0.0.1-2026-12-07-14:00:00";
        CrashRecoveryTest.ok(ssh.run(port, "mkdir -p " + d, null));
        List<String> dd = ssh.ssh(port, "umask 0077 && dd bs=512 of='" + d + "/vmcore-incomplete'");
        Client.Result a;
        Client.Result b;
        // both rate-limited (about 4 s each), so that they overlap whatever ssh's connect times
        try (Client ca = Client.piped(dd); Client cb = Client.piped(dd);
             SlowFeed fa = new SlowFeed(ca.stdin(), new byte[0], flat, 4_000_000);
             SlowFeed fb = new SlowFeed(cb.stdin(), new byte[0], flat, 4_000_000)) {
            a = ca.await(Senders.TIMEOUT);
            b = cb.await(Senders.TIMEOUT);
        }
        String story = "dd A: " + a + "\ndd B: " + b + "\n" + s.logAbout("14:00:00");
        assertTrue(a.exit() == 0 || b.exit() == 0, "one of the two dd stores the dump: " + story);
        assertTrue(a.exit() != 0 || b.exit() != 0, "not both: one file, one upload at a time: " + story);
        assertTrue(!(a.exit() == 0 ? b : a).err().isBlank(), "the loser is told why: " + story);
        CrashRecoveryTest.ok(ssh.run(port, "mv '" + d + "/vmcore-incomplete' '" + d + "/vmcore.flat'", null));
        Path dir = tmp.resolve("spool/web33/127.0.0.1-2026-12-07-14:00:00");
        assertEquals(-1, Files.mismatch(dir.resolve("vmcore"), Fixtures.oracle(NAME)),
                "stored dump vs makedumpfile -R: " + story);
    }

    /** As {@link #resumeOverHttp}, with HELLO and PUT over busybox nc. */
    static String resumeOverTcp(int port, String host, String dump, Path flat) throws Exception {
        List<String> talk = new ArrayList<>();
        for (int attempt = 0; attempt < 10; attempt++) {
            Map<String, String> hello = Senders.hello(port, host, dump);
            talk.add("HELLO " + hello);
            if ("complete".equals(hello.get("file-state"))) {
                return String.join("; ", talk);
            }
            long off = Long.parseLong(hello.getOrDefault("offset", "0"));
            String reply = Senders.put(port, host, dump, off, flat);
            talk.add("PUT offset=" + off + " -> " + reply);
            if (reply.startsWith("DONE ")) {
                return String.join("; ", talk);
            }
            Thread.sleep(500);
        }
        throw new AssertionError("upload of " + host + "/" + dump + " not complete after 10 tries: " + talk);
    }

    /**
     * The sender's retry after a refusal or a cut: HEAD, then PUT from the offset it names,
     * until the file is complete (at most 10 tries, a moment apart, as the agent backs off).
     */
    static String resumeOverHttp(int port, String host, String dump, Path flat) throws Exception {
        List<String> talk = new ArrayList<>();
        for (int attempt = 0; attempt < 10; attempt++) {
            Map<String, String> head = Senders.head(port, host, dump);
            talk.add("HEAD " + head.get("status") + " offset=" + head.get("x-vmcored-offset") + " file-state="
                    + head.get("x-vmcored-file-state"));
            if ("complete".equals(head.get("x-vmcored-file-state"))) {
                return String.join("; ", talk);
            }
            long off = Long.parseLong(head.getOrDefault("x-vmcored-offset", "0"));
            Senders.HttpAnswer a = Senders.httpPut(port, host, dump, off, flat);
            talk.add("PUT offset=" + off + " -> " + a.code() + " " + a.body().replaceAll("\\s+", " "));
            if (a.code() == 201) {
                return String.join("; ", talk);
            }
            Thread.sleep(500);
        }
        throw new AssertionError("upload of " + host + "/" + dump + " not complete after 10 tries: " + talk);
    }
}
