package io.vmcored.server.store;

import io.vmcored.server.catalog.DumpCatalog;
import io.vmcored.server.catalog.DumpRecord;
import io.vmcored.server.catalog.Manifest;
import io.vmcored.server.catalog.StoredCopy.StoredFile;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spool's copies of uploaded dumps: the newest ones stay while they fit in
 * {@code store.cache-size}, the others are freed (their uploaded files deleted from the spool,
 * the kernel logs and the manifest kept). A dump receiving again is left alone until it ends.
 * Blocking, and called on the store's threads only.
 */
final class LocalCopies {

    private static final Logger LOG = LoggerFactory.getLogger(LocalCopies.class);

    private final DumpCatalog catalog;
    private final LongSupplier cacheSize;
    /** Uploaded dumps whose spool copy is still there, by id: upload time and bytes. */
    private final Map<String, Entry> kept = new LinkedHashMap<>();

    private record Entry(String id, Instant uploaded, long bytes) {
    }

    LocalCopies(DumpCatalog catalog, LongSupplier cacheSize) {
        this.catalog = catalog;
        this.cacheSize = cacheSize;
    }

    synchronized void uploaded(DumpRecord r, Instant at, long bytes) {
        kept.put(r.id(), new Entry(r.id(), at, bytes));
    }

    synchronized void forget(String id) {
        kept.remove(id);
    }

    synchronized int size() {
        return kept.size();
    }

    /** Frees the oldest uploaded dumps until the rest fit in the cache size. */
    synchronized void trim() {
        long limit = cacheSize.getAsLong();
        List<Entry> newestFirst = new ArrayList<>(kept.values());
        newestFirst.sort(Comparator.comparing(Entry::uploaded).reversed());
        long total = 0;
        for (Entry e : newestFirst) {
            total += e.bytes();
            if (total > limit) {
                catalog.get(e.id()).ifPresentOrElse(r -> {
                    if (free(r)) {
                        kept.remove(e.id());
                    }
                }, () -> kept.remove(e.id()));
            }
        }
    }

    /** Deletes the spool's copies of the uploaded files; false if the dump is receiving (tried again later). */
    private boolean free(DumpRecord r) {
        if (r.inFlight()) {
            return false;
        }
        try {
            Manifest m = r.snapshot();
            if (m.store == null) {
                return true;
            }
            long freed = 0;
            for (Map.Entry<String, StoredFile> f : m.store.files.entrySet()) {
                if (StoredFiles.freeable(m, f.getKey()) && Files.deleteIfExists(r.fileFor(f.getKey()))) {
                    freed += f.getValue().size;
                }
            }
            r.update(mf -> {
                if (mf.store != null) {
                    mf.store.freed = Instant.now().toString();
                }
            });
            LOG.info("store: dump host={} id={} freed from the spool ({} bytes; kept in {})", r.host(), r.id(), freed,
                    m.store.url);
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.warn("store: dump host={} id={}: freeing its spool copy failed: {}", r.host(), r.id(), e.toString());
            return false;
        }
    }
}
