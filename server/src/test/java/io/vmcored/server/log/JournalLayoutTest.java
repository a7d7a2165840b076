package io.vmcored.server.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import io.vmcored.protocol.testsupport.Processes;
import io.vmcored.server.cli.Main;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under systemd every line the server writes carries its syslog priority, so that
 * {@code journalctl -p warning} finds the warnings: a real {@code vmcored serve} whose stderr
 * is the stream {@code JOURNAL_STREAM} names (as systemd sets it: device and inode of the
 * stream) prefixes each line with {@code <N>}; with the variable naming another stream
 * (a child whose stderr went elsewhere) or unset, lines are plain.
 */
class JournalLayoutTest {

    private static final String TOKEN = "operator-token-0123456789";

    @TempDir
    Path tmp;

    @Test
    void serverLinesCarryTheirPriorityOnlyWhenStderrIsTheJournalStream() throws Exception {
        Path journal = tmp.resolve("journal");
        Files.createFile(journal);
        List<String> lines = serve(journal, streamOf(journal));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("<6>") && l.contains("vmcored started")), "info: " + lines);
        // off loopback without TLS the server warns once at start
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("<4>") && l.contains("WARN")), "warning: " + lines);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("<6>") && l.contains("vmcored stopped")), "stop: " + lines);
        for (String l : lines) {
            assertTrue(l.matches("<[3467]>\\d{4}-\\d\\d-\\d\\dT.*"), "every line carries a priority: " + l);
            assertEquals(l.contains(" WARN "), l.startsWith("<4>"), "WARN is priority 4: " + l);
        }

        Path redirected = tmp.resolve("redirected");
        Files.createFile(redirected);
        List<String> plain = serve(redirected, streamOf(journal)); // inherited variable, stderr elsewhere
        assertTrue(plain.stream().anyMatch(l -> l.contains("vmcored started")), "ran: " + plain);
        assertTrue(plain.stream().anyMatch(l -> l.contains(" WARN ")), "warned: " + plain);
        assertFalse(plain.stream().anyMatch(l -> l.startsWith("<")), "plain lines: " + plain);
    }

    @Test
    void anErrorThatStopsTheServerIsPriorityThree() throws Exception {
        Path journal = tmp.resolve("journal");
        Files.createFile(journal);
        ProcessBuilder pb = new ProcessBuilder(java("serve", "--bind", "127.0.0.1", "--set", "http.port=99999"))
                .redirectError(ProcessBuilder.Redirect.appendTo(journal.toFile()));
        pb.environment().put("JOURNAL_STREAM", streamOf(journal));
        Processes.Result r = Processes.run(pb, Duration.ofSeconds(60));
        assertEquals(1, r.exit(), r.toString());
        String err = Files.readString(journal, StandardCharsets.UTF_8);
        assertTrue(err.startsWith("<3>vmcored serve: ") && err.contains("http.port"), err);
    }

    @Test
    void everyLineOfAnEventCarriesItsPriority() {
        LoggerContext ctx = new LoggerContext();
        JournalLayout layout = new JournalLayout();
        layout.setContext(ctx);
        layout.setPattern("%-5level %msg%n");
        layout.setJournal(true);
        layout.start();
        Logger log = ctx.getLogger("x");
        assertEquals("<4>WARN  first\n<4>second\n", layout.doLayout(new LoggingEvent("x", log, Level.WARN, "first\nsecond", null, null)));
        assertEquals("<3>ERROR e\n", layout.doLayout(new LoggingEvent("x", log, Level.ERROR, "e", null, null)));
        assertEquals("<6>INFO  i\n", layout.doLayout(new LoggingEvent("x", log, Level.INFO, "i", null, null)));
        assertEquals("<7>DEBUG d\n", layout.doLayout(new LoggingEvent("x", log, Level.DEBUG, "d", null, null)));
        layout.setJournal(false);
        assertEquals("WARN  w\n", layout.doLayout(new LoggingEvent("x", log, Level.WARN, "w", null, null)));
    }

    @Test
    void theStreamMustBeStderrItself() throws Exception {
        Path f = tmp.resolve("f");
        Files.createFile(f);
        assertTrue(JournalStream.connected(streamOf(f), f));
        assertFalse(JournalStream.connected(null, f));
        assertFalse(JournalStream.connected("", f));
        assertFalse(JournalStream.connected("1:1", f));
        assertFalse(JournalStream.connected("x" + streamOf(f), f));
        assertFalse(JournalStream.connected(streamOf(f), tmp.resolve("missing")));
    }

    /** Runs the server with stderr appended to {@code stderr} until it has started, stops it with SIGTERM; its lines. */
    private List<String> serve(Path stderr, String journalStream) throws Exception {
        Path dir = Files.createTempDirectory(tmp, "srv");
        ProcessBuilder pb = new ProcessBuilder(java("serve", "--bind", "0.0.0.0", "--ingest-port", "0",
                "--http-port", "0", "--ssh-port", "-1", "--spool", dir.resolve("spool").toString(),
                "--state", dir.resolve("state").toString(), "--set", "analysis.enabled=false",
                "--set", "auth.operator-token=" + TOKEN))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
        pb.environment().put("JOURNAL_STREAM", journalStream);
        Process p = pb.start();
        try {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.readString(stderr, StandardCharsets.UTF_8).contains("vmcored started")) {
                assertTrue(p.isAlive() && System.nanoTime() < end, "server did not start: "
                        + Files.readString(stderr, StandardCharsets.UTF_8));
                Thread.sleep(100);
            }
            p.toHandle().destroy(); // SIGTERM: a graceful stop
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "stopped");
            assertEquals(0, p.exitValue(), "exit status after SIGTERM");
        } finally {
            Processes.kill(p);
        }
        return new ArrayList<>(Files.readAllLines(stderr, StandardCharsets.UTF_8));
    }

    private static List<String> java(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** {@code <device>:<inode>}, as systemd writes JOURNAL_STREAM. */
    private static String streamOf(Path p) throws Exception {
        return Files.getAttribute(p, "unix:dev") + ":" + Files.getAttribute(p, "unix:ino");
    }
}
