package io.vmcored.server.cli;

import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT ask the daemon to stop gracefully (drain, then close, exit status 0)
 * instead of the JVM's default (shutdown hooks at once, exit 143). SIGHUP, which would kill
 * the JVM (exit 129) without a word, runs the reload instead.
 */
final class StopSignals {

    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile String received;

    StopSignals(Runnable onHangup) {
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), sig -> {
                received = "SIG" + sig.getName();
                stop.countDown();
            });
        }
        Signal.handle(new Signal("HUP"), sig -> onHangup.run());
    }

    /** Blocks until SIGTERM or SIGINT; returns its name. */
    String await() throws InterruptedException {
        stop.await();
        return received;
    }
}
