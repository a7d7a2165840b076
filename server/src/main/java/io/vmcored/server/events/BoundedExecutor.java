package io.vmcored.server.events;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed pool with a bounded queue that refuses instead of growing: post-ingest work
 * (analysis, hooks) may be dropped and counted, but never holds up the threads that
 * receive dumps. Threads are daemons named {@code vmcored-<name>-N}.
 */
public final class BoundedExecutor {

    private final ThreadPoolExecutor pool;

    public BoundedExecutor(String name, int threads, int queue) {
        AtomicInteger n = new AtomicInteger();
        pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue), r -> {
            Thread t = new Thread(r, "vmcored-" + name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
    }

    /** Queues {@code task}; false when the queue is full or the pool is stopped (the caller counts the drop). */
    public boolean offer(Runnable task) {
        try {
            pool.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    public int queued() {
        return pool.getQueue().size();
    }

    /** Stops taking work and waits up to {@code seconds} for queued work to end. */
    public void close(long seconds) {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(seconds, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
