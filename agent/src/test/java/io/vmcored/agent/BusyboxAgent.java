package io.vmcored.agent;

import io.vmcored.protocol.testsupport.Processes;
import io.vmcored.protocol.testsupport.Requirements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
        Requirements.requirePrograms("busybox");
        Requirements.requirePrograms(programs);
        bin = Files.createDirectories(dir.resolve("bin"));
        for (String applet : Processes.run(Duration.ofSeconds(30), "busybox", "--list").ok().out().split("\n")) {
            if (!applet.isBlank()) {
                Files.createSymbolicLink(bin.resolve(applet.trim()), Path.of(which("busybox")));
            }
        }
        for (String program : programs) {
            Files.createSymbolicLink(bin.resolve(program), Path.of(which(program)));
        }
    }

    /** Runs the agent to its end (at most 120 s), output and error merged. */
    Result run(List<String> args) throws IOException, InterruptedException {
        Processes.Result r = Processes.await(start(args), "vmcored-agent " + String.join(" ", args), Duration.ofSeconds(120));
        return new Result(r.exit(), r.out());
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

    /** Starts the agent with its merged output going to {@code log} (many at once: no pipe to drain). */
    Process start(List<String> args, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("busybox", "sh", E2eSupport.agentScript().toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().clear();
        pb.environment().put("PATH", bin.toString());
        return pb.start();
    }

    static String which(String name) {
        return Requirements.which(name).orElseThrow(() -> new IllegalStateException(name + " not on PATH")).toString();
    }
}
