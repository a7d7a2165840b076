package io.vmcored.server.ingest;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * Runs one upload's tasks in order on the shared file executor, one at a time, so that
 * a connection never occupies more than one file thread and its writes never reorder.
 * The queue is bounded by the caller (the pump stops reading past its byte budget; SSH
 * releases its window only after a write ran). After {@link #BATCH} tasks it gives the
 * pool thread back, so one busy upload cannot starve the others queued behind it.
 */
public final class SerialExecutor implements Executor {

    private static final int BATCH = 32;

    private final Executor pool;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private boolean running;

    public SerialExecutor(Executor pool) {
        this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
        synchronized (this) {
            tasks.add(task);
            if (running) {
                return;
            }
            running = true;
        }
        try {
            pool.execute(this::drain);
        } catch (RuntimeException e) {
            synchronized (this) {
                tasks.remove(task);
                running = false;
            }
            throw e;
        }
    }

    private void drain() {
        for (int n = 0; ; n++) {
            if (n == BATCH) {
                resubmit();
                return;
            }
            Runnable next;
            synchronized (this) {
                next = tasks.poll();
                if (next == null) {
                    running = false;
                    return;
                }
            }
            try {
                next.run();
            } catch (RuntimeException e) {
                // a task reports its own failure; one bad task must not stall the queue
            }
        }
    }

    private void resubmit() {
        try {
            pool.execute(this::drain);
        } catch (RuntimeException e) {
            // the pool refused (shutting down): go on here rather than strand the queue
            drain();
        }
    }
}
