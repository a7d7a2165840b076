package io.vmcored.server.analysis;

import static org.junit.jupiter.api.Assertions.fail;

import io.vmcored.server.catalog.DumpRecord;
import io.vmcored.server.catalog.DumpState;
import io.vmcored.server.catalog.Manifest;
import io.vmcored.server.daemon.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Waiting for asynchronous outcomes (analysis, hooks) without timing assertions: a generous deadline, then a clear failure. */
public final class Waits {

    private static final long DEADLINE_MS = 120_000;

    private Waits() {
    }

    public static void until(String what, BooleanSupplier done) throws InterruptedException {
        long end = System.currentTimeMillis() + DEADLINE_MS;
        while (!done.getAsBoolean()) {
            if (System.currentTimeMillis() > end) {
                fail("still waiting after " + DEADLINE_MS / 1000 + " s for: " + what);
            }
            Thread.sleep(50);
        }
    }

    /** The only dump of {@code host}, once it ended and its analysis is in the manifest. */
    public static DumpRecord analyzed(TestServer s, String host) throws InterruptedException {
        until("a dump of " + host, () -> s.ctx().catalog().list(r -> r.host().equals(host)).size() == 1);
        DumpRecord r = s.ctx().catalog().list(x -> x.host().equals(host)).get(0);
        until("the analysis of " + r.id(), () -> {
            Manifest m = r.snapshot();
            return m.state != DumpState.RECEIVING && m.analysis != null;
        });
        return r;
    }

    /** Runs the real {@code makedumpfile --dump-dmesg} on {@code dump}; returns its output file's bytes. */
    public static byte[] makedumpfileDmesg(Path dump, Path work) throws IOException, InterruptedException {
        Path out = work.resolve("makedumpfile-" + System.nanoTime() + ".txt");
        Process p = new ProcessBuilder(List.of("makedumpfile", "--dump-dmesg", dump.toString(), out.toString()))
                .redirectErrorStream(true).redirectOutput(work.resolve("makedumpfile.log").toFile()).start();
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            fail("makedumpfile --dump-dmesg " + dump + " failed: " + Files.readString(work.resolve("makedumpfile.log")));
        }
        return Files.readAllBytes(out);
    }
}
