package io.vmcored.protocol.dump;

import io.vmcored.protocol.testsupport.Processes;
import io.vmcored.protocol.testsupport.Requirements;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Runs an installed Debian tool (crash, readelf, makedumpfile) and returns its stdout. */
public final class RealTool {

    private RealTool() {
    }

    public static String run(String... cmd) throws IOException, InterruptedException {
        Requirements.requirePrograms(cmd[0]);
        return new String(Processes.run(Duration.ofMinutes(2), cmd).ok().stdout(), StandardCharsets.ISO_8859_1);
    }
}
