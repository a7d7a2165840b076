package io.vmcored.server.cli;

import io.vmcored.protocol.testsupport.Processes;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Runs {@code vmcored} as a real process (its own stdin, exit status and stderr), from the test classpath. */
final class CliProcess {

    record Result(int exit, String stdout, String stderr) {
    }

    private CliProcess() {
    }

    /** Runs vmcored with stdin from {@code stdin} (a regular file: the mapped path). */
    static Result run(Path stdin, String... args) throws IOException, InterruptedException {
        return run(new ProcessBuilder(command(args)).redirectInput(stdin.toFile()));
    }

    /** Runs {@code sh -c "<pipeline> | vmcored args"}: stdin is a pipe. */
    static Result runPiped(String pipeline, String... args) throws IOException, InterruptedException {
        StringBuilder cmd = new StringBuilder(pipeline).append(" |");
        for (String c : command(args)) {
            cmd.append(" '").append(c.replace("'", "'\\''")).append('\'');
        }
        return run(new ProcessBuilder("sh", "-c", cmd.toString()).redirectInput(ProcessBuilder.Redirect.PIPE));
    }

    private static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-XX:+UseSerialGC", Main.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static Result run(ProcessBuilder pb) throws IOException, InterruptedException {
        Processes.Result r = Processes.run(pb, Duration.ofMinutes(5));
        return new Result(r.exit(), r.out(), r.err());
    }
}
