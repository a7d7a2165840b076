package io.vmcored.server.catalog;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends SSH dumps whose client went quiet. kdump clients run one session per command
 * (mkdir, dd, mv, scp), so the end of a session is not the end of the dump: a dump stays
 * receiving until its final rename, or until no session touched it for the settle time.
 * Then it ends as it stands: an {@code *-incomplete} file never renamed makes it incomplete.
 */
public final class IdleDumps implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger("vmcored.ssh");

    private final DumpCatalog catalog;
    private final Duration settle;

    public IdleDumps(DumpCatalog catalog, Duration settle) {
        this.catalog = catalog;
        this.settle = settle;
    }

    @Override
    public void run() {
        Instant quietSince = Instant.now().minus(settle);
        for (DumpRecord r : catalog.list(r -> r.state() == DumpState.RECEIVING && !r.uploading())) {
            Manifest m = r.snapshot();
            if (Transport.parse(m.transport) != Transport.SSH || m.updated == null
                    || Instant.parse(m.updated).isAfter(quietSince)) {
                continue;
            }
            List<String> orphans = m.files.keySet().stream()
                    .filter(n -> n.endsWith(ClientNames.INCOMPLETE_SUFFIX)).sorted().toList();
            try {
                if (orphans.isEmpty()) {
                    r.complete();
                } else {
                    r.fail("the client never renamed " + String.join(", ", orphans) + " (no session for "
                            + settle.toSeconds() + " s)");
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("ending idle ssh dump host={} id={} failed: {}", r.host(), r.id(), e.getMessage());
            }
        }
    }
}
