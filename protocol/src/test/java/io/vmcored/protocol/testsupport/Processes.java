package io.vmcored.protocol.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Runs a program for a test. Its stdout and stderr are drained on threads of their own, so a
 * full pipe cannot stall it and what it printed is at hand when it hangs; the timeout is
 * enforced (the program and its children are killed) and every failure carries its output.
 * Reading a pipe to its end before {@code waitFor(timeout)} would make that timeout unreachable.
 */
public final class Processes {

    /** Kept of each stream in failure messages. */
    private static final int TAIL = 4000;

    /** What a program did; {@code stdout}/{@code stderr} are empty where they were redirected. */
    public record Result(String command, int exit, byte[] stdout, byte[] stderr) {
        public String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        public String err() {
            return new String(stderr, StandardCharsets.UTF_8);
        }

        /** This result if the program exited 0; otherwise fails with its output. */
        public Result ok() {
            if (exit != 0) {
                throw new AssertionError(this.toString());
            }
            return this;
        }

        @Override
        public String toString() {
            return command + ": exit " + exit + "; stdout [" + tail(stdout) + "]; stderr [" + tail(stderr) + "]";
        }
    }

    private Processes() {
    }

    /** Runs {@code command} with no input (stdin at end of file). */
    public static Result run(Duration timeout, String... command) throws IOException, InterruptedException {
        return run(new ProcessBuilder(command), timeout);
    }

    /** Starts {@code pb} and awaits it; a stdin left as a pipe is closed at once (end of file). */
    public static Result run(ProcessBuilder pb, Duration timeout) throws IOException, InterruptedException {
        Process p = pb.start();
        if (pb.redirectInput() == ProcessBuilder.Redirect.PIPE) {
            p.getOutputStream().close();
        }
        return await(p, String.join(" ", pb.command()), timeout);
    }

    /**
     * Drains a started process until it ends; after {@code timeout} kills it with its children
     * and fails with what it printed so far. Also fails when it ended but something it started
     * still holds its output open (a reader would wait for that forever).
     */
    public static Result await(Process p, String command, Duration timeout) throws InterruptedException {
        return new Running(p, command).await(timeout);
    }

    /**
     * A program that runs while the test goes on (a server, a client fed through its stdin):
     * its output is drained from the start, so a full pipe never stalls it.
     */
    public static final class Running implements AutoCloseable {
        private final Process process;
        private final String command;
        private final Drain out;
        private final Drain err;

        public Running(Process process, String command) {
            this.process = process;
            this.command = command;
            this.out = new Drain(process.getInputStream(), command, "stdout");
            this.err = new Drain(process.getErrorStream(), command, "stderr");
        }

        public Process process() {
            return process;
        }

        /** Waits for the end; past {@code timeout} kills it (and its children) and fails with its output. */
        public Result await(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                kill(process);
                out.join(5_000);
                err.join(5_000);
                throw new AssertionError(command + ": still running after " + timeout.toSeconds()
                        + " s, killed; stdout so far [" + tail(out.bytes()) + "]; stderr so far [" + tail(err.bytes()) + "]");
            }
            out.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            err.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (out.isAlive() || err.isAlive()) {
                throw new AssertionError(command + ": exited " + process.exitValue() + " but a process it started still"
                        + " holds its output open after " + timeout.toSeconds() + " s; stdout so far ["
                        + tail(out.bytes()) + "]; stderr so far [" + tail(err.bytes()) + "]");
            }
            return new Result(command, process.exitValue(), out.bytes(), err.bytes());
        }

        /** Kills it (and its children) if it still runs. */
        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                kill(process);
            }
        }
    }

    /** Kills {@code p} and every process below it, and waits a little for it to go. */
    public static void kill(Process p) throws InterruptedException {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
    }

    private static String tail(byte[] b) {
        String s = new String(b, StandardCharsets.UTF_8).strip();
        return s.length() <= TAIL ? s : "..." + s.substring(s.length() - TAIL);
    }

    /** Copies one stream of the process into memory until its end. */
    private static final class Drain extends Thread {
        private final InputStream in;
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

        Drain(InputStream in, String command, String which) {
            super(which + " of " + command);
            this.in = in;
            setDaemon(true);
            start();
        }

        @Override
        public void run() {
            byte[] chunk = new byte[8192];
            try (in) {
                for (int n; (n = in.read(chunk)) > 0; ) {
                    synchronized (buf) {
                        buf.write(chunk, 0, n);
                    }
                }
            } catch (IOException e) {
                // the pipe closed under us: what was read is kept
            }
        }

        byte[] bytes() {
            synchronized (buf) {
                return buf.toByteArray();
            }
        }
    }
}
