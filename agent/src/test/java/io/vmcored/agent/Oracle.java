package io.vmcored.agent;

import io.vmcored.protocol.testsupport.Processes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What the stored dump must equal: the raw /proc/vmcore the guest sent after the agent (to
 * a socat listener: {@link #rawSink}), run through the host's makedumpfile with the agent's
 * pinned options into a flattened stream and rearranged with {@code makedumpfile -R}.
 */
final class Oracle {

    private Oracle() {
    }

    /** socat writing one TCP connection on loopback {@code port} to {@code file}. */
    static Process rawSink(int port, Path file) throws IOException {
        return new ProcessBuilder("socat", "-u", "TCP-LISTEN:" + port + ",bind=127.0.0.1,reuseaddr",
                "OPEN:" + file + ",creat,trunc").redirectErrorStream(true)
                .redirectOutput(file.resolveSibling("socat.log").toFile()).start();
    }

    /** makedumpfile -F OPTS raw | makedumpfile -R out: the dump the server must have stored. */
    static Path rearranged(Path raw, String opts, Path out) throws IOException, InterruptedException {
        Files.deleteIfExists(out);
        run("makedumpfile -F " + opts + " '" + raw + "' | makedumpfile -R '" + out + "'");
        return out;
    }

    /** makedumpfile --dump-dmesg of a dump, as text. */
    static String dmesg(Path dump) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dump.getParent(), "dmesg", ".txt");
        Files.delete(out);
        run("makedumpfile --dump-dmesg '" + dump + "' '" + out + "'");
        try {
            return Files.readString(out, StandardCharsets.ISO_8859_1);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    static void run(String shell) throws IOException, InterruptedException {
        Processes.run(Duration.ofSeconds(300), "bash", "-o", "pipefail", "-c", shell).ok();
    }
}
