package io.vmcored.server.store;

import io.vmcored.server.storage.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Deleted dumps whose objects are not yet deleted from the bucket, kept in
 * {@code <spool>/.store-deletions} (one {@code host TAB id TAB key-prefix} line each), so that a
 * collector stopped while the bucket was unreachable deletes them after its next start.
 * Written atomically and forced to disk; called on the store's threads only.
 */
final class PendingDeletions {

    static final String FILE = ".store-deletions";

    /** One dump's objects to delete. */
    record Entry(String host, String id, String prefix) {
        String line() {
            return host + "\t" + id + "\t" + prefix;
        }
    }

    private final Path spool;
    private final Set<Entry> entries = new LinkedHashSet<>();

    PendingDeletions(Path spool) throws IOException {
        this.spool = spool;
        Path f = spool.resolve(FILE);
        if (Files.exists(f)) {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                String[] p = line.split("\t");
                if (p.length == 3) {
                    entries.add(new Entry(p[0], p[1], p[2]));
                }
            }
        }
    }

    synchronized List<Entry> all() {
        return new ArrayList<>(entries);
    }

    synchronized void add(Entry e) throws IOException {
        if (entries.add(e)) {
            save();
        }
    }

    synchronized void done(Entry e) throws IOException {
        if (entries.remove(e)) {
            save();
        }
    }

    private void save() throws IOException {
        StringBuilder b = new StringBuilder();
        entries.forEach(e -> b.append(e.line()).append('\n'));
        AtomicFile.write(spool, FILE, b.toString().getBytes(StandardCharsets.UTF_8), true);
    }
}
