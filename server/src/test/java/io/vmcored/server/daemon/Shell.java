package io.vmcored.server.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

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
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        String stdout = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "exit status of: " + script + "\nstdout: " + stdout
                + "\nstderr: " + new String(err, StandardCharsets.UTF_8));
        return stdout;
    }
}
