package io.vmcored.server.ssh.exec;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

/**
 * Runs one session's tasks in order, one at a time, on a shared pool. The queue holds at most
 * what the SSH window lets in (data tasks are only released after they ran) plus a few control tasks.
 */
final class SerialExecutor implements Executor {

    private static final int BATCH = 32;

    private final Executor pool;
    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private boolean running;

    SerialExecutor(Executor pool) {
        this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
        synchronized (tasks) {
            tasks.add(task);
            if (running) {
                return;
            }
            running = true;
        }
        pool.execute(this::drain);
    }

    private void drain() {
        for (int n = 0; ; n++) {
            if (n == BATCH) {
                pool.execute(this::drain); // let other sessions' tasks run between batches
                return;
            }
            Runnable next;
            synchronized (tasks) {
                next = tasks.poll();
                if (next == null) {
                    running = false;
                    return;
                }
            }
            next.run();
        }
    }
}
