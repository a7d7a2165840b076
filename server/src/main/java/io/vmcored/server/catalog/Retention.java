package io.vmcored.server.catalog;

import io.vmcored.server.config.ServerConfig;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes old dumps: older than the maximum age, beyond the newest N per host, and the
 * oldest ones while the spool holds more than the total size. Never a dump in flight.
 * Blocking: runs on the file executor.
 */
public final class Retention {

    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

    private final DumpCatalog catalog;
    private final Supplier<ServerConfig> live;

    public Retention(DumpCatalog catalog, Supplier<ServerConfig> live) {
        this.catalog = catalog;
        this.live = live;
    }

    /** One pass; returns the ids deleted. */
    public synchronized List<String> sweep() {
        ServerConfig config = live.get();
        List<DumpRecord> all = catalog.list(r -> !r.inFlight());
        List<DumpRecord> doomed = new ArrayList<>();
        Instant now = Instant.now();
        if (!config.retentionMaxAge.isZero()) {
            Instant oldest = now.minus(config.retentionMaxAge);
            for (DumpRecord r : all) {
                if (created(r).isBefore(oldest)) {
                    doomed.add(r);
                }
            }
        }
        if (config.retentionMaxPerHost > 0) {
            Map<String, List<DumpRecord>> byHost = new HashMap<>();
            for (DumpRecord r : all) {
                byHost.computeIfAbsent(r.host(), h -> new ArrayList<>()).add(r);
            }
            for (List<DumpRecord> list : byHost.values()) {
                for (int i = 0; i < list.size() - config.retentionMaxPerHost; i++) {
                    doomed.add(list.get(i));
                }
            }
        }
        if (config.retentionMaxTotalBytes > 0) {
            long total = catalog.list(r -> true).stream().mapToLong(Retention::size).sum()
                    - doomed.stream().distinct().mapToLong(Retention::size).sum();
            for (DumpRecord r : all) {
                if (total <= config.retentionMaxTotalBytes) {
                    break;
                }
                if (!doomed.contains(r)) {
                    doomed.add(r);
                    total -= size(r);
                }
            }
        }
        List<String> deleted = new ArrayList<>();
        for (DumpRecord r : doomed.stream().distinct().toList()) {
            try {
                catalog.delete(r);
                deleted.add(r.id());
                LOG.info("retention deleted dump host={} id={} size={}", r.host(), r.id(), size(r));
            } catch (IOException | IllegalStateException e) {
                LOG.warn("retention could not delete dump host={} id={}: {}", r.host(), r.id(), e.getMessage());
            }
        }
        return deleted;
    }

    private static Instant created(DumpRecord r) {
        return r.summary().created();
    }

    static long size(DumpRecord r) {
        return r.summary().totalBytes();
    }
}
