package io.vmcored.server.catalog;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends dumps whose client went quiet. Clients that write files by name (kdump over SSH) run one
 * session per command (mkdir, dd, mv, scp), so the end of a session is not the end of the dump:
 * it stays receiving until its final rename, or until nothing touched it for the settle time
 * ({@link DumpRules#whenQuiet}). Run periodically on a file thread.
 */
public final class QuietDumps implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(QuietDumps.class);

    private final DumpCatalog catalog;
    private final Duration settle;

    public QuietDumps(DumpCatalog catalog, Duration settle) {
        this.catalog = catalog;
        this.settle = settle;
    }

    @Override
    public void run() {
        Instant now = Instant.now();
        for (DumpRecord r : catalog.list(r -> r.state() == DumpState.RECEIVING && !r.uploading())) {
            try {
                r.endIfQuiet(now, settle);
            } catch (IOException | RuntimeException e) {
                LOG.warn("ending quiet dump host={} id={} failed: {}", r.host(), r.id(), e.getMessage());
            }
        }
    }
}
