package io.vmcored.protocol.dump;

import io.vmcored.protocol.testsupport.Processes;
import io.vmcored.protocol.testsupport.Requirements;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Runs an installed Debian tool (crash, readelf, makedumpfile) and returns its stdout. */
public final class RealTool {

    private RealTool() {
    }

    public static String run(String... cmd) throws IOException, InterruptedException {
        Requirements.require(Files.isExecutable(Path.of("/usr/bin", cmd[0])), "/usr/bin/" + cmd[0] + " (./test installs it)");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        return new String(Processes.run(pb, Duration.ofMinutes(2)).ok().stdout(), StandardCharsets.ISO_8859_1);
    }
}
