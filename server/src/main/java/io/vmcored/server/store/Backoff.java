package io.vmcored.server.store;

import java.time.Duration;

/** Waits between attempts: {@code first}, doubling with each failure, never above {@code max}. */
record Backoff(Duration first, Duration max) {

    /** The wait after the {@code failures}-th failure in a row (1 = the first). */
    Duration after(int failures) {
        long millis = first.toMillis();
        for (int i = 1; i < failures && millis < max.toMillis(); i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, max.toMillis()));
    }
}
