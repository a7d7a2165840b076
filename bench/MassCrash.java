import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;

/**
 * The mass-crash drill's crowd (bench/mass-crash.sh): N crashed hosts, each starting at a random
 * moment within RAMP seconds, speaking the agent's TCP protocol as the agent does: the kernel log
 * first (vmcore-dmesg.txt), then HELLO for the dump file; the answer decides: full or reduced =
 * send the prepared stream, dmesg = END, wait = wait (plus up to a quarter at random) and ask
 * again. A stand-in for N agents, whose makedumpfile runs would need N CPUs. Prints one line of
 * counts and latencies; exit 1 if any host was lost.
 *
 * Usage: java MassCrash.java PORT HOSTS RAMP_SECONDS STREAM DMESG [DMESG2]
 *   with DMESG2, odd hosts crash with it (two crashes mixed).
 */
public class MassCrash {

    record Outcome(String kind, long toLogMillis, long toDecisionMillis, boolean waited, String detail) {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int hosts = Integer.parseInt(args[1]);
        int ramp = Integer.parseInt(args[2]);
        Path stream = Path.of(args[3]);
        byte[] logA = Files.readAllBytes(Path.of(args[4]));
        byte[] logB = args.length > 5 ? Files.readAllBytes(Path.of(args[5])) : logA;
        Random random = new Random(42);
        long t0 = System.nanoTime();
        List<Outcome> outcomes = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(hosts);
        for (int i = 0; i < hosts; i++) {
            long startAt = (long) (random.nextDouble() * ramp * 1000);
            String host = "crash" + i;
            byte[] log = i % 2 == 1 ? logB : logA;
            Thread t = new Thread(() -> {
                try {
                    long wait = startAt - (System.nanoTime() - t0) / 1_000_000;
                    if (wait > 0) {
                        Thread.sleep(wait);
                    }
                    outcomes.add(host(port, host, log, stream));
                } catch (Exception e) {
                    outcomes.add(new Outcome("lost", -1, -1, false, host + ": " + e));
                } finally {
                    done.countDown();
                }
            }, host);
            t.setDaemon(true);
            t.start();
        }
        done.await();
        Map<String, Integer> counts = new HashMap<>();
        int waited = 0;
        List<Long> toLog = new ArrayList<>();
        List<Long> toDecision = new ArrayList<>();
        for (Outcome o : outcomes) {
            counts.merge(o.kind(), 1, Integer::sum);
            if (o.waited() && !o.kind().equals("lost")) {
                waited++;
            }
            if (o.toLogMillis() >= 0) {
                toLog.add(o.toLogMillis());
            }
            if (o.toDecisionMillis() >= 0) {
                toDecision.add(o.toDecisionMillis());
            }
            if (o.kind().equals("lost") || o.kind().equals("refused")) {
                System.err.println("mass-crash: " + o.kind() + " " + o.detail());
            }
        }
        int answered = hosts - counts.getOrDefault("lost", 0);
        System.out.printf("hosts=%d answered=%d full=%d reduced=%d dmesg_only=%d waited_then_completed=%d refused=%d lost=%d"
                        + " log_p50_ms=%d log_p99_ms=%d decision_p50_ms=%d decision_p99_ms=%d wall_s=%.1f%n",
                hosts, answered, counts.getOrDefault("full", 0), counts.getOrDefault("reduced", 0),
                counts.getOrDefault("dmesg", 0), waited, counts.getOrDefault("refused", 0), counts.getOrDefault("lost", 0),
                pct(toLog, 50), pct(toLog, 99), pct(toDecision, 50), pct(toDecision, 99), (System.nanoTime() - t0) / 1e9);
        System.exit(counts.getOrDefault("lost", 0) == 0 ? 0 : 1);
    }

    static Outcome host(int port, String host, byte[] log, Path stream) throws Exception {
        long start = System.nanoTime();
        String dump = "d-" + host;
        String stored = exchange(port, "VMCORED/1 PUT host=" + host + " dump=" + dump + " file=vmcore-dmesg.txt offset=0",
                log, null);
        if (!stored.startsWith("DONE ")) {
            return new Outcome(stored.startsWith("REFUSED") ? "refused" : "lost", -1, -1, false, host + " log: " + stored);
        }
        long toLog = (System.nanoTime() - start) / 1_000_000;
        boolean waited = false;
        Random r = new Random(host.hashCode());
        for (int attempt = 0; attempt < 10_000; attempt++) {
            String ok = exchange(port, "VMCORED/1 HELLO host=" + host + " dump=" + dump, null, null);
            Map<String, String> f = fields(ok);
            if (!ok.startsWith("OK ")) {
                return new Outcome(ok.startsWith("REFUSED") ? "refused" : "lost", toLog, -1, waited, host + " hello: " + ok);
            }
            String decision = f.getOrDefault("steer-decision", "full");
            long toDecision = (System.nanoTime() - start) / 1_000_000;
            switch (decision) {
                case "wait" -> {
                    waited = true;
                    long w = Long.parseLong(f.getOrDefault("steer-wait", "30")) * 1000;
                    Thread.sleep(w + (long) (r.nextDouble() * w / 4));
                }
                case "dmesg" -> {
                    String end = exchange(port, "VMCORED/1 END host=" + host + " dump=" + dump, null, null);
                    return end.startsWith("DONE ") && end.contains("state=complete")
                            ? new Outcome("dmesg", toLog, toDecision, waited, "")
                            : new Outcome("lost", toLog, toDecision, waited, host + " end: " + end);
                }
                default -> {
                    String put = exchange(port, "VMCORED/1 PUT host=" + host + " dump=" + dump + " offset=0", null, stream);
                    return put.startsWith("DONE ") ? new Outcome(decision, toLog, toDecision, waited, "")
                            : new Outcome(put.startsWith("REFUSED") ? "refused" : "lost", toLog, toDecision, waited,
                                    host + " put: " + put);
                }
            }
        }
        return new Outcome("lost", toLog, -1, waited, host + ": waited for ever");
    }

    /** One request line, an optional body (bytes or a file), half-close, one reply line. */
    static String exchange(int port, String line, byte[] body, Path file) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 30_000);
            s.setSoTimeout(300_000);
            OutputStream out = s.getOutputStream();
            out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
            if (body != null) {
                out.write(body);
            }
            if (file != null) {
                Files.copy(file, out);
            }
            out.flush();
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            byte[] reply = in.readAllBytes();
            return new String(reply, StandardCharsets.US_ASCII).strip();
        }
    }

    static Map<String, String> fields(String reply) {
        Map<String, String> f = new HashMap<>();
        for (String w : reply.split(" ")) {
            int eq = w.indexOf('=');
            if (eq > 0) {
                f.put(w.substring(0, eq), w.substring(eq + 1));
            }
        }
        return f;
    }

    static long pct(List<Long> values, int p) {
        if (values.isEmpty()) {
            return -1;
        }
        long[] v = values.stream().mapToLong(Long::longValue).sorted().toArray();
        return v[Math.min(v.length - 1, (int) Math.ceil(p / 100.0 * v.length) - 1)];
    }
}
