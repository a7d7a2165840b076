package io.vmcored.server.fleet;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the shared catalog's database answered the last time anyone asked: one log line
 * when it stops answering and one when it answers again, however many calls fail between.
 */
public final class DatabaseReachability {

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseReachability.class);

    private final String name;
    private boolean up = true;
    private long downSince;
    private int failures;

    DatabaseReachability(String name) {
        this.name = name;
    }

    /** A call succeeded. */
    public synchronized void ok() {
        if (!up) {
            up = true;
            LOG.info("shared catalog {} reachable again after {} s ({} calls failed meanwhile); catching up",
                    name, (System.nanoTime() - downSince) / 1_000_000_000, failures);
        }
    }

    /**
     * A call failed ({@code what} was being done); logs only the first of a run of failures. A
     * pool with every connection busy is not an outage: that call alone goes without the database.
     */
    public synchronized void failed(String what, Exception e) {
        if (FleetDatabase.busy(e)) {
            LOG.debug("shared catalog {}: every connection busy while {}", name, what);
            return;
        }
        if (!FleetDatabase.outage(e)) {
            // the database answered, and refused: a fault to see each time, not an outage
            LOG.warn("shared catalog {}: {} failed: {}", name, what, FleetDatabase.rootMessage(e));
            return;
        }
        failures = up ? 1 : failures + 1;
        if (up) {
            up = false;
            downSince = System.nanoTime();
            LOG.warn("shared catalog {} unreachable ({}: {}); dumps go on locally, their rows are written when it is back",
                    name, what, FleetDatabase.rootMessage(e));
        }
    }

    public synchronized boolean up() {
        return up;
    }

    /** How long the database has not answered: zero while it does. */
    public synchronized Duration downFor() {
        return up ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - downSince);
    }
}
