package io.vmcored.server.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.server.cli.Main;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code vmcored serve} in a JVM of its own, so that a test can SIGKILL it mid-upload and
 * start it again on the same spool and state. Ports are 0 (the log says which were bound).
 * Its log (stderr) is read on a thread of its own and appended to {@code <dir>/server.log}.
 *
 * <p>Runs the freshly compiled classes of this build (the test class path), or the packaged
 * jar named by {@code -Dvmcored.jar=...}: the jar is only made after the tests run, and a
 * stale one would test other code.
 */
public final class ServerProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile(" (\\w+) listening on 127\\.0\\.0\\.1:(\\d+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final Process process;
    private final Path log;
    private final List<String> lines = new ArrayList<>();
    private final Map<String, Integer> ports = new HashMap<>();

    private ServerProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
        drain(process.getInputStream(), "stdout");
        drain(process.getErrorStream(), "stderr");
    }

    /**
     * Starts a server on {@code <dir>/spool} and {@code <dir>/state}, TCP and HTTP on, SSH when
     * {@code ssh}; {@code sets} are {@code KEY=VALUE} config keys (docs/server.md). Waits until it serves.
     */
    public static ServerProcess start(Path dir, boolean ssh, String... sets) throws IOException, InterruptedException {
        return start(dir, ssh, null, sets);
    }

    /** As {@link #start(Path, boolean, String...)}, reading {@code config} ({@code --config}) first when not null. */
    public static ServerProcess start(Path dir, boolean ssh, Path config, String... sets) throws IOException, InterruptedException {
        return start(dir, ssh, config, List.of(), List.of(), sets);
    }

    /**
     * As {@link #start(Path, boolean, Path, String...)}, with {@code env} ({@code NAME=VALUE}) added to
     * the server's environment (AWS credentials, say) and {@code options} added to its command line
     * ({@code --store}, ...).
     */
    public static ServerProcess start(Path dir, boolean ssh, Path config, List<String> env, List<String> options,
                               String... sets) throws IOException, InterruptedException {
        // started as from a shell outside systemd (umask 022): exec keeps the pid, so the JVM is still the one killed
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", "umask 022 && exec \"$@\"", "sh",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Xmx512m", "-XX:TieredStopAtLevel=1"));
        String jar = System.getProperty("vmcored.jar");
        if (jar != null) {
            cmd.addAll(List.of("-jar", jar));
        } else {
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        }
        cmd.addAll(List.of("serve", "--bind", "127.0.0.1", "--ingest-port", "0", "--http-port", "0",
                "--ssh-port", ssh ? "0" : "-1", "--spool", dir.resolve("spool").toString(),
                "--state", dir.resolve("state").toString(), "--set", "analysis.enabled=false"));
        cmd.addAll(options);
        for (String s : sets) {
            cmd.addAll(List.of("--set", s));
        }
        if (config != null) {
            cmd.addAll(List.of("--config", config.toString()));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        for (String e : env) {
            pb.environment().put(e.substring(0, e.indexOf('=')), e.substring(e.indexOf('=') + 1));
        }
        ServerProcess s = new ServerProcess(pb.start(), dir.resolve("server.log"));
        s.awaitStarted();
        return s;
    }

    private void awaitStarted() throws InterruptedException {
        long end = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < end && process.isAlive() && !logContains("vmcored started")) {
            Thread.sleep(50);
        }
        if (!logContains("vmcored started")) {
            process.destroyForcibly();
            throw new AssertionError("vmcored serve did not start within " + START_TIMEOUT.toSeconds() + " s (alive: "
                    + process.isAlive() + "); log:\n" + logText());
        }
        synchronized (lines) {
            for (String l : lines) {
                Matcher m = LISTENING.matcher(l);
                if (m.find()) {
                    ports.put(m.group(1), Integer.parseInt(m.group(2)));
                }
            }
        }
    }

    public int port(String listener) {
        Integer p = ports.get(listener);
        assertTrue(p != null, "no '" + listener + " listening on' line in the log:\n" + logText());
        return p;
    }

    /** The server JVM's process id (for /proc/PID: its open descriptors). */
    long pid() {
        return process.pid();
    }

    /** SIGKILL of the server JVM itself (not of a wrapper): no shutdown hook, no clean close. */
    public void kill() throws InterruptedException {
        String command = process.info().command().orElse("?");
        assertTrue(command.endsWith("/java"), "pid " + process.pid() + " to be killed is not the JVM: " + command);
        process.destroyForcibly();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "server pid " + process.pid() + " still alive after SIGKILL");
        assertEquals(128 + 9, process.exitValue(), "exit status of the killed server (128 + SIGKILL)");
    }

    /**
     * Sends SIGTERM to the server JVM and returns at once (a graceful stop: it drains first).
     * Through its handle: Process.destroy() would also close our ends of its output pipes, and
     * the lines it logs while stopping would be lost.
     */
    public void signalTerm() {
        process.toHandle().destroy();
    }

    /** SIGHUP: the server re-reads its configuration. */
    public void signalHangup() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -HUP " + process.pid());
    }

    /** Waits up to 30 s for a log line containing {@code text}; returns it. */
    public String awaitLog(String text) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < end) {
            for (String l : logLines()) {
                if (l.contains(text)) {
                    return l;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no log line with \"" + text + "\" within 30 s; log:\n" + logText());
    }

    /** Waits for the server to exit; returns its exit status, fails past {@code timeout}. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("vmcored did not exit within " + timeout.toSeconds() + " s; log:\n" + logText());
        }
        return process.exitValue();
    }

    /** SIGTERM: the server's clean stop (shutdown hook). */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("vmcored did not stop within 90 s of SIGTERM; log:\n" + logText());
        }
    }

    public boolean logContains(String text) {
        synchronized (lines) {
            return lines.stream().anyMatch(l -> l.contains(text));
        }
    }

    public List<String> logLines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    public String logText() {
        return String.join("\n", logLines());
    }

    /** Log lines that mention {@code text} (for failure messages: what the server said about a dump). */
    public String logAbout(String text) {
        return String.join("\n", logLines().stream().filter(l -> l.contains(text)).toList());
    }

    private void drain(InputStream in, String name) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                    System.out.println("[vmcored " + process.pid() + "] " + line); // kept in the test's report
                    Files.writeString(log, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                }
            } catch (IOException e) {
                // the process is gone
            }
        }, "vmcored-" + process.pid() + "-" + name);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }
}
