package io.vmcored.server.events;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the operator's executable for an event: {@code EXEC <event> <dump id>}, no shell,
 * the server's environment plus the event's VMCORED_* variables, stdin /dev/null.
 * Output (stdout and stderr together) goes to a temp file, not a pipe, so a hook that
 * leaves a background child holding its output cannot hang the runner; its first
 * {@link #MAX_OUTPUT} bytes end up in the one log line. Past the timeout the hook and
 * all its descendants are killed.
 */
final class ExecHook {

    static final int MAX_OUTPUT = 400;

    private final Path executable;
    private final Duration timeout;

    ExecHook(Path executable, Duration timeout) {
        this.executable = executable;
        this.timeout = timeout;
    }

    /** Runs the hook to its end or timeout (blocking: the events executor only). */
    HookResult run(DumpEvent e) {
        long t0 = System.nanoTime();
        Path out = null;
        try {
            out = Files.createTempFile("vmcored-hook-", ".out");
            ProcessBuilder pb = new ProcessBuilder(List.of(executable.toString(), e.event(), e.dumpId()))
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            Map<String, String> env = pb.environment();
            DumpEvent.environmentNames().forEach(env::remove);
            env.putAll(e.environment());
            Process p = pb.start();
            boolean ended = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!ended) {
                kill(p);
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            String output = HookResult.oneLine(head(out));
            if (!ended) {
                return new HookResult(HookResult.TIMEOUT, "killed after " + timeout.toMillis() + "ms", ms, output);
            }
            int code = p.exitValue();
            return new HookResult(code == 0 ? HookResult.OK : HookResult.FAILED, "exit " + code, ms, output);
        } catch (IOException ex) {
            return new HookResult(HookResult.FAILED, "cannot run " + executable + ": " + ex.getMessage(),
                    (System.nanoTime() - t0) / 1_000_000, "");
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return new HookResult(HookResult.FAILED, "interrupted (server stopping)", (System.nanoTime() - t0) / 1_000_000, "");
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // a temp file left behind is harmless
                }
            }
        }
    }

    /** Kills the hook's descendants first (they would outlive it, reparented), then the hook. */
    private static void kill(Process p) throws InterruptedException {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
    }

    private static String head(Path out) throws IOException {
        try (InputStream in = Files.newInputStream(out)) {
            byte[] b = in.readNBytes(MAX_OUTPUT + 1);
            String s = new String(b, 0, Math.min(b.length, MAX_OUTPUT), StandardCharsets.UTF_8);
            return b.length > MAX_OUTPUT ? s + "..." : s;
        }
    }
}
