package io.vmcored.server.cli;

import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT ask the daemon to stop gracefully (drain, then close, exit status 0)
 * instead of the JVM's default (shutdown hooks at once, exit 143). SIGHUP, which would kill
 * the JVM (exit 129) without a word, is caught and logged.
 */
final class StopSignals {

    private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);

    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile String received;

    StopSignals() {
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), sig -> {
                received = "SIG" + sig.getName();
                stop.countDown();
            });
        }
        Signal.handle(new Signal("HUP"), sig -> LOG.warn("SIGHUP: re-reading the configuration is not supported yet;"
                + " nothing changed (restart to apply a change: uploads cut by the restart resume)"));
    }

    /** Blocks until SIGTERM or SIGINT; returns its name. */
    String await() throws InterruptedException {
        stop.await();
        return received;
    }
}
