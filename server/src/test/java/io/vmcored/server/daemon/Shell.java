package io.vmcored.server.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vmcored.protocol.testsupport.Processes;
import java.io.IOException;
import java.time.Duration;

/** Runs real client programs (nc, socat, curl, busybox) through sh. */
public final class Shell {

    private Shell() {
    }

    public static String run(String script, String... env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", script).redirectErrorStream(false);
        for (String e : env) {
            int eq = e.indexOf('=');
            pb.environment().put(e.substring(0, eq), e.substring(eq + 1));
        }
        Processes.Result r = Processes.run(pb, Duration.ofSeconds(120));
        assertEquals(0, r.exit(), "exit status of: " + script + "\nstdout: " + r.out() + "\nstderr: " + r.err());
        return r.out();
    }
}
