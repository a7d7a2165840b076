package io.vmcored.server.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.protocol.testsupport.Fixtures;
import io.vmcored.protocol.testsupport.Requirements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a port scanner, ssh-keyscan, a TLS client on the wrong port and plain noise cost on each
 * of the three ports: at most one log line per connection, never a stack trace, and nothing
 * left open behind them (a connect-and-close on the ingest port used to stay half-open until
 * the idle timeout, holding one of limits.max-connections: enough scans refused every upload
 * as busy).
 */
class PortScanTest {

    /** Every line logback writes starts so; a stack trace's lines ("\tat ...", "Caused by: ...") do not. */
    private static final Pattern LOG_LINE = Pattern.compile(
            "^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\S* (TRACE|DEBUG|INFO|WARN|ERROR) ");

    private record Probe(String what, String script, int connections) {
    }

    @TempDir
    Path tmp;

    @Test
    void probesOnEveryPortCostAtMostOneLineEachAndLeaveNothingOpen() throws Exception {
        Requirements.requirePrograms("nc", "openssl", "curl", "ssh-keyscan", "busybox", "timeout");
        Path flat = Fixtures.stream(CrashRecoveryTest.NAME);
        try (ServerProcess s = ServerProcess.start(tmp, true, "spool.min-free=1M", "limits.max-connections=16")) {
            awaitQuiet(s);
            long fdsBefore = openFds(s);
            List<Probe> probes = new ArrayList<>();
            for (String listener : List.of("tcp", "http", "ssh")) {
                int port = s.port(listener);
                String at = listener + " port " + port + ": ";
                probes.add(new Probe(at + "connect and close (nc -z)", "nc -z 127.0.0.1 " + port, 1));
                probes.add(new Probe(at + "512 random bytes", "head -c 512 /dev/urandom | timeout 5 nc -N -w 2 127.0.0.1 "
                        + port, 1));
                probes.add(new Probe(at + "TLS ClientHello (openssl s_client)", "timeout 3 openssl s_client -connect 127.0.0.1:"
                        + port + " < /dev/null", 1));
                probes.add(new Probe(at + "TLS ClientHello (curl https)", "timeout 5 curl -sk -m 2 https://127.0.0.1:" + port
                        + "/", 1));
            }
            int ssh = s.port("ssh");
            probes.add(new Probe("ssh-keyscan -t ecdsa (the server's key type)", "timeout 20 ssh-keyscan -T 3 -t ecdsa -p "
                    + ssh + " 127.0.0.1", 1));
            probes.add(new Probe("ssh-keyscan -t rsa (a type the server has no key of)", "timeout 20 ssh-keyscan -T 3 -t rsa -p "
                    + ssh + " 127.0.0.1", 1));
            // with no -t, ssh-keyscan connects once per key type it knows (rsa, ecdsa, ed25519 and two -sk ones)
            probes.add(new Probe("ssh-keyscan (every key type)", "timeout 30 ssh-keyscan -T 3 -p " + ssh + " 127.0.0.1", 5));

            List<String> failures = new ArrayList<>();
            StringBuilder story = new StringBuilder();
            for (Probe p : probes) {
                int before = s.logLines().size();
                Client.sh(p.script(), Duration.ofSeconds(60));
                awaitQuiet(s);
                List<String> lines = s.logLines();
                List<String> fresh = lines.subList(before, lines.size());
                story.append("\n").append(p.what()).append(": ").append(fresh.size()).append(" line(s)");
                fresh.forEach(l -> story.append("\n    ").append(l));
                if (fresh.size() > p.connections()) {
                    failures.add(p.what() + ": " + fresh.size() + " log lines for " + p.connections() + " connection(s)");
                }
                for (String l : fresh) {
                    if (!LOG_LINE.matcher(l).find() || l.contains("\tat ")) {
                        failures.add(p.what() + ": a stack trace in the log: " + l);
                    }
                }
            }
            assertTrue(failures.isEmpty(), String.join("\n", failures) + "\nwhat each probe logged:" + story);

            // every probe's connection was closed by the server: no descriptor left behind
            awaitFds(s, fdsBefore + 2, "after the probes" + story);
            // and none holds a connection slot: 20 more scans of the ingest port, then a real upload
            int tcp = s.port("tcp");
            for (int i = 0; i < 20; i++) {
                Client.sh("nc -z 127.0.0.1 " + tcp, Duration.ofSeconds(30));
            }
            awaitFds(s, fdsBefore + 2, "after 20 scans of the ingest port");
            String done = Senders.put(tcp, "scanned", "d1", 0, flat);
            assertTrue(done.startsWith("DONE ") && done.contains(" state=complete "),
                    "an upload after 36 scans with limits.max-connections=16: " + done + "\n" + s.logAbout("busy"));
            Path dump = new Spool(tmp.resolve("spool")).only("scanned", "d1");
            assertEquals(-1, Files.mismatch(dump.resolve("vmcore"), Fixtures.oracle(CrashRecoveryTest.NAME)),
                    "the upload after the scans vs makedumpfile -R");
        }
    }

    /** Waits until the log has not grown for 700 ms (at most 15 s): the server has said all it will about a probe. */
    private static void awaitQuiet(ServerProcess s) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        int size = s.logLines().size();
        long stable = System.nanoTime();
        while (System.nanoTime() < end) {
            Thread.sleep(100);
            int now = s.logLines().size();
            if (now != size) {
                size = now;
                stable = System.nanoTime();
            } else if (System.nanoTime() - stable >= 700_000_000L) {
                return;
            }
        }
    }

    private static long openFds(ServerProcess s) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(s.pid()), "fd"))) {
            return fds.count();
        }
    }

    /** Waits (at most 10 s) until the server holds at most {@code max} descriptors; fails saying how many. */
    private static void awaitFds(ServerProcess s, long max, String when) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        long n = openFds(s);
        while (n > max && System.nanoTime() < end) {
            Thread.sleep(100);
            n = openFds(s);
        }
        Client.Result ss = Client.sh("ss -tanp | grep 'pid=" + s.pid() + ",' | grep -v LISTEN || true", Duration.ofSeconds(30));
        assertTrue(n <= max, "the server holds " + n + " descriptors " + when + " (at most " + max
                + " expected: every probe's connection closed); its sockets:\n" + ss.out());
    }
}
