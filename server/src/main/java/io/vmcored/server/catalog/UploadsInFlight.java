package io.vmcored.server.catalog;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The uploads running now, for the people watching (the console's progress, {@code GET
 * /api/v1/uploads}): added when an upload opens, removed when it ends. Costs one set entry
 * per running upload; nothing on the byte path.
 */
public final class UploadsInFlight {

    /** Told of each upload opening and ending, on the upload's thread: must only hand the news on. */
    public interface Watcher {
        default void opened(FileUpload up) {
        }

        default void ended(FileUpload up) {
        }
    }

    private final Set<FileUpload> running = ConcurrentHashMap.newKeySet();
    private volatile Watcher watcher = new Watcher() { };

    public void watch(Watcher w) {
        watcher = w;
    }

    void opened(FileUpload up) {
        running.add(up);
        watcher.opened(up);
    }

    /** After the file's state is recorded: a watcher reads the final state. */
    void ended(FileUpload up) {
        if (running.remove(up)) {
            watcher.ended(up);
        }
    }

    /** The running uploads, oldest first. */
    public List<FileUpload> list() {
        List<FileUpload> out = new ArrayList<>(running);
        out.sort(Comparator.comparingLong(FileUpload::startedMillis).thenComparing(u -> u.record().id()));
        return out;
    }
}
