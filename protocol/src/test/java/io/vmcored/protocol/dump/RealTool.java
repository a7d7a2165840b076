package io.vmcored.protocol.dump;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Runs an installed Debian tool (crash, readelf, makedumpfile) and returns its stdout. */
public final class RealTool {

    private RealTool() {
    }

    public static String run(String... cmd) throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin", cmd[0])), cmd[0] + " is not installed");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).redirectInput(ProcessBuilder.Redirect.from(
                new java.io.File("/dev/null"))).start();
        byte[] out = p.getInputStream().readAllBytes();
        p.getErrorStream().readAllBytes();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + " did not exit");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " exited " + p.exitValue());
        }
        return new String(out, StandardCharsets.ISO_8859_1);
    }
}
