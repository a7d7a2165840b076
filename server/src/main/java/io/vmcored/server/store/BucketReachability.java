package io.vmcored.server.store;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Whether the bucket answers: unreachable since the first failure after a success, reachable
 * again at the next success. Down means unreachable for longer than the configured threshold.
 */
final class BucketReachability {

    private final Supplier<Instant> clock;
    private Instant failingSince;
    private String lastProblem;

    BucketReachability(Supplier<Instant> clock) {
        this.clock = clock;
    }

    synchronized void succeeded() {
        failingSince = null;
        lastProblem = null;
    }

    synchronized void failed(String problem) {
        if (failingSince == null) {
            failingSince = clock.get();
        }
        lastProblem = problem;
    }

    /** How long the bucket has been unreachable, or null while it answers. */
    synchronized Duration unreachableFor() {
        return failingSince == null ? null : Duration.between(failingSince, clock.get());
    }

    synchronized boolean down(Duration after) {
        Duration d = unreachableFor();
        return d != null && d.compareTo(after) >= 0;
    }

    synchronized String lastProblem() {
        return lastProblem;
    }
}
