package io.vmcored.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * vmcored-agent run as in a capture initramfs: {@code busybox sh}, with a PATH that holds
 * only busybox applets plus the named real programs (makedumpfile, curl, ssh), nothing
 * from the host's coreutils.
 */
final class BusyboxAgent {

    record Result(int rc, String out) {
    }

    private final Path bin;

    /** Builds {@code dir/bin}: every busybox applet and {@code programs} (skips when one is missing). */
    BusyboxAgent(Path dir, String... programs) throws IOException, InterruptedException {
        E2eSupport.requirePrograms("busybox");
        E2eSupport.requirePrograms(programs);
        bin = Files.createDirectories(dir.resolve("bin"));
        Process p = new ProcessBuilder("busybox", "--list").start();
        for (String applet : new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
            if (!applet.isBlank()) {
                Files.createSymbolicLink(bin.resolve(applet.trim()), Path.of(which("busybox")));
            }
        }
        p.waitFor();
        for (String program : programs) {
            Files.createSymbolicLink(bin.resolve(program), Path.of(which(program)));
        }
    }

    /** Runs the agent to its end (at most 120 s), output and error merged. */
    Result run(List<String> args) throws IOException, InterruptedException {
        Process p = start(args);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("agent still running after 120 s: " + out);
        }
        return new Result(p.exitValue(), out);
    }

    /** Starts the agent; the caller reads its merged output. */
    Process start(List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("busybox", "sh", E2eSupport.agentScript().toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().put("PATH", bin.toString());
        return pb.start();
    }

    static String which(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(d, name))) {
                return Path.of(d, name).toString();
            }
        }
        for (String d : List.of("/usr/sbin", "/sbin")) {
            if (Files.isExecutable(Path.of(d, name))) {
                return Path.of(d, name).toString();
            }
        }
        throw new IllegalStateException(name + " not on PATH");
    }
}
