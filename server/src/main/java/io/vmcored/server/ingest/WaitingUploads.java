package io.vmcored.server.ingest;

import io.vmcored.server.catalog.DumpRecord;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Dump files written by name (distro SSH clients, which cannot be steered) waiting for a
 * full-upload slot, first come first served. The client is held by flow control: its bytes
 * stay unread and the SSH window closed until its turn, so it waits instead of failing.
 */
final class WaitingUploads {

    /** One client's file waiting; {@code keepAlive} tells its session it is not idle. */
    record Waiter(DumpRecord record, String file, String signature, Instant since, CompletableFuture<Void> turn,
                  Runnable keepAlive) {
    }

    private final Deque<Waiter> queue = new ArrayDeque<>();

    synchronized void add(Waiter w) {
        queue.add(w);
        // a client gone while waiting leaves the line at once
        w.turn().whenComplete((v, e) -> remove(w));
    }

    synchronized Waiter first() {
        queue.removeIf(w -> w.turn().isDone());
        return queue.peekFirst();
    }

    synchronized void remove(Waiter w) {
        queue.remove(w);
    }

    synchronized int size() {
        queue.removeIf(w -> w.turn().isDone());
        return queue.size();
    }

    synchronized List<Waiter> all() {
        return new ArrayList<>(queue);
    }
}
