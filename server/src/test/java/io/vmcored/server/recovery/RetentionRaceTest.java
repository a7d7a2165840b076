package io.vmcored.server.recovery;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention must never delete a dump that is being received. With one dump kept per host and
 * a sweep every second, senders keep re-sending the same dump ids of one host (a sender
 * retrying from offset 0): the dumps they re-open are exactly the ones retention is deleting,
 * so an upload that is still opening (looked up, not yet counted as in flight) meets a sweep.
 * Every upload must end complete (201) with its files on disk; a dump that retention took
 * after it ended is fine.
 */
class RetentionRaceTest {

    static final String HOST = "r1";
    static final int PARALLEL = 16;
    static final Duration STRESS = Duration.ofSeconds(12);

    @TempDir
    Path tmp;

    @Test
    void retentionNeverDeletesADumpWhileItIsBeingReceived() throws Exception {
        // a plain file (stored as sent): small, so that many uploads open per sweep
        Path body = tmp.resolve("body.txt");
        Files.writeString(body, "kernel log line of a crash that keeps being re-sent\n".repeat(5000));
        List<String> failures = new ArrayList<>();
        int uploads = 0;
        try (ServerProcess s = ServerProcess.start(tmp, false, "spool.min-free=1M", "retention.max-per-host=1",
                "retention.interval=1s")) {
            List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "-Z", "--parallel-max", String.valueOf(PARALLEL),
                    "-w", "%{http_code} %{url_effective}\\n"));
            for (int i = 0; i < PARALLEL; i++) {
                cmd.addAll(List.of("-o", tmp.resolve("answer-" + i + ".json").toString(), "-T", body.toString(),
                        Senders.url(s.port("http"), HOST, "d" + i)));
            }
            long end = System.nanoTime() + STRESS.toNanos();
            while (System.nanoTime() < end) {
                Client.Result r;
                try (Client c = Client.start(cmd, null)) {
                    r = c.await(Senders.TIMEOUT);
                }
                for (String line : r.out().strip().split("\n")) {
                    uploads++;
                    if (!line.startsWith("201 ")) {
                        String url = line.substring(line.indexOf(' ') + 1);
                        int i = Integer.parseInt(url.substring(url.lastIndexOf("=d") + 2));
                        failures.add(line + " " + Files.readString(tmp.resolve("answer-" + i + ".json")).strip()
                                .replaceAll("\\s+", " "));
                    }
                }
                if (r.exit() != 0) {
                    failures.add("curl: " + r);
                }
            }
            long deleted = s.logLines().stream().filter(l -> l.contains("retention deleted dump")).count();
            assertTrue(deleted > 0, "retention ran during the uploads (else this test proves nothing):\n" + s.logText());
            s.stop();
            for (String l : s.logLines()) {
                if (l.contains("retention could not delete") && !l.contains("is in flight: not deleting it")) {
                    failures.add("server: " + l);
                }
            }
            failures.addAll(orphans(tmp.resolve("spool").resolve(HOST)));
            assertTrue(failures.isEmpty(), failures.size() + " problems in " + uploads + " uploads while retention"
                    + " deleted " + deleted + " dumps:\n" + String.join("\n", failures.subList(0, Math.min(40,
                    failures.size()))) + "\nserver log about failures:\n" + warnings(s));
        }
    }

    /** Dumps whose manifest says complete but whose files are gone (deleted under a running upload). */
    private static List<String> orphans(Path hostDir) throws Exception {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(hostDir)) {
            return out;
        }
        try (var dirs = Files.list(hostDir)) {
            for (Path d : dirs.filter(Files::isDirectory).toList()) {
                if (!Files.exists(d.resolve("manifest.json"))) {
                    out.add(d + ": dump directory without a manifest, holding " + d.toFile().list().length + " files");
                    continue;
                }
                JsonNode m = Spool.manifest(d);
                for (Iterator<Map.Entry<String, JsonNode>> it = m.path("files").fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> f = it.next();
                    if ("complete".equals(Spool.text(f.getValue(), "state")) && !Files.exists(d.resolve(f.getKey()))) {
                        out.add(d + ": manifest says " + f.getKey() + " is complete, the file is gone");
                    }
                }
            }
        }
        return out;
    }

    private static String warnings(ServerProcess s) {
        return String.join("\n", s.logLines().stream().filter(l -> l.contains("WARN") || l.contains("ERROR"))
                .limit(40).toList());
    }
}
