package io.vmcored.server.recovery;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real client program (busybox nc, curl, ssh, or {@code sh -c} pipelines of them): stdout
 * and stderr are drained on threads of their own (a full pipe never blocks it), stdin is a
 * file, nothing, or a pipe the test feeds ({@link #stdin()}), and every wait has a limit
 * past which the program and its children are killed and the test fails.
 */
final class Client implements AutoCloseable {

    /** What the program did. */
    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + ", stdout [" + out.strip() + "], stderr [" + err.strip() + "]";
        }
    }

    private final String what;
    private final Process process;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Thread outThread;
    private final Thread errThread;

    private Client(String what, Process process) {
        this.what = what;
        this.process = process;
        this.outThread = drain(process.getInputStream(), out);
        this.errThread = drain(process.getErrorStream(), err);
    }

    /** Starts {@code cmd} with stdin from {@code stdin}, or /dev/null when null. */
    static Client start(List<String> cmd, Path stdin) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(stdin == null
                ? ProcessBuilder.Redirect.from(new File("/dev/null")) : ProcessBuilder.Redirect.from(stdin.toFile()));
        return new Client(String.join(" ", cmd), pb.start());
    }

    /** Starts {@code cmd} with stdin a pipe the caller writes ({@link #stdin()}). */
    static Client piped(List<String> cmd) throws IOException {
        return new Client(String.join(" ", cmd), new ProcessBuilder(cmd).start());
    }

    /** Runs {@code sh -c script} to its end (stdin /dev/null). */
    static Result sh(String script, Duration timeout) throws IOException, InterruptedException {
        try (Client c = start(List.of("sh", "-c", script), null)) {
            return c.await(timeout);
        }
    }

    OutputStream stdin() {
        return process.getOutputStream();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Waits for the end; past {@code timeout} kills it (and its children) and fails naming the program. */
    Result await(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            kill();
            throw new AssertionError("client did not finish within " + timeout.toSeconds() + " s: " + what
                    + "\nstdout so far: " + text(out) + "\nstderr so far: " + text(err));
        }
        outThread.join(10_000);
        errThread.join(10_000);
        return new Result(process.exitValue(), text(out), text(err));
    }

    private void kill() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    private static String text(ByteArrayOutputStream b) {
        synchronized (b) {
            return b.toString(StandardCharsets.UTF_8);
        }
    }

    private Thread drain(InputStream in, ByteArrayOutputStream to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    synchronized (to) {
                        to.write(buf, 0, n);
                    }
                }
            } catch (IOException e) {
                // the process is gone
            }
        }, "client-drain");
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
