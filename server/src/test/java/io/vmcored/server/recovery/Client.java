package io.vmcored.server.recovery;

import io.vmcored.protocol.testsupport.Processes;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real client program (busybox nc, curl, ssh, or {@code sh -c} pipelines of them), run
 * through {@link Processes.Running}: output drained from the start, every wait bounded. Its
 * stdin is a file, nothing, or a pipe the test feeds ({@link #stdin()}).
 */
final class Client implements AutoCloseable {

    /** What the program did. */
    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + ", stdout [" + out.strip() + "], stderr [" + err.strip() + "]";
        }
    }

    private final Processes.Running running;

    private Client(List<String> cmd, ProcessBuilder pb) throws IOException {
        this.running = new Processes.Running(pb.start(), String.join(" ", cmd));
    }

    /** Starts {@code cmd} with stdin from {@code stdin}, or /dev/null when null. */
    static Client start(List<String> cmd, Path stdin) throws IOException {
        return new Client(cmd, new ProcessBuilder(cmd).redirectInput(stdin == null
                ? ProcessBuilder.Redirect.from(new File("/dev/null")) : ProcessBuilder.Redirect.from(stdin.toFile())));
    }

    /** Starts {@code cmd} with stdin a pipe the caller writes ({@link #stdin()}). */
    static Client piped(List<String> cmd) throws IOException {
        return new Client(cmd, new ProcessBuilder(cmd));
    }

    /** Runs {@code sh -c script} to its end (stdin /dev/null). */
    static Result sh(String script, Duration timeout) throws IOException, InterruptedException {
        try (Client c = start(List.of("sh", "-c", script), null)) {
            return c.await(timeout);
        }
    }

    OutputStream stdin() {
        return running.process().getOutputStream();
    }

    boolean alive() {
        return running.process().isAlive();
    }

    /** Waits for the end; past {@code timeout} kills it (and its children) and fails naming the program. */
    Result await(Duration timeout) throws InterruptedException {
        Processes.Result r = running.await(timeout);
        return new Result(r.exit(), r.out(), r.err());
    }

    @Override
    public void close() throws InterruptedException {
        running.close();
    }
}
