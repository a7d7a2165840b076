package io.vmcored.server.recovery;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Plays a slow producer (makedumpfile on a busy capture kernel) into a client's stdin on a
 * thread of its own: an optional request line, then a file's bytes at a fixed rate, then EOF.
 * With a pause point it stops there with stdin open (a sender that hangs) until
 * {@link #proceed()}, or for good until {@link #close()}. A client that dies (server killed)
 * just ends the feed.
 */
final class SlowFeed implements AutoCloseable {

    private static final int CHUNK = 32 * 1024;

    private final OutputStream to;
    private final long pauseAt;
    private final AtomicLong sent = new AtomicLong();
    private final CountDownLatch paused = new CountDownLatch(1);
    private final CountDownLatch go = new CountDownLatch(1);
    private final Thread thread;

    /** Sends {@code prefix} (e.g. {@code VMCORED/1 PUT ...\n}, may be empty), then {@code file} at {@code bytesPerSecond}. */
    SlowFeed(OutputStream to, byte[] prefix, Path file, long bytesPerSecond) {
        this(to, prefix, file, bytesPerSecond, -1);
    }

    /** As above, pausing after {@code pauseAt} file bytes (-1: never). */
    SlowFeed(OutputStream to, byte[] prefix, Path file, long bytesPerSecond, long pauseAt) {
        this.to = to;
        this.pauseAt = pauseAt;
        this.thread = new Thread(() -> run(prefix, file, bytesPerSecond), "slow-feed");
        thread.setDaemon(true);
        thread.start();
    }

    private void run(byte[] prefix, Path file, long rate) {
        long start = System.nanoTime();
        try (InputStream in = Files.newInputStream(file)) {
            to.write(prefix);
            to.flush();
            byte[] buf = new byte[CHUNK];
            while (true) {
                long room = pauseAt >= 0 && sent.get() < pauseAt ? pauseAt - sent.get() : CHUNK;
                int n = in.read(buf, 0, (int) Math.min(CHUNK, room));
                if (n <= 0) {
                    break;
                }
                to.write(buf, 0, n);
                to.flush();
                long total = sent.addAndGet(n);
                if (total == pauseAt) {
                    paused.countDown();
                    go.await();
                    start = System.nanoTime() - total * 1_000_000_000L / rate; // no burst to catch up
                }
                long wait = start + total * 1_000_000_000L / rate - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
            to.close();
        } catch (IOException e) {
            // the client (or the server behind it) went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closed by the test: stdin is closed there
        }
    }

    /** File bytes written so far. */
    long sent() {
        return sent.get();
    }

    /** Waits until the pause point was reached; fails past the timeout. */
    void awaitPaused(Duration timeout) throws InterruptedException {
        if (!paused.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("feed did not reach its pause point (" + pauseAt + " bytes) within "
                    + timeout.toSeconds() + " s; " + sent() + " bytes sent");
        }
    }

    /** Sends the rest after the pause point. */
    void proceed() {
        go.countDown();
    }

    /** Waits until everything was sent (or the client died); fails past the timeout. */
    void await(Duration timeout) throws InterruptedException {
        thread.join(timeout.toMillis());
        if (thread.isAlive()) {
            throw new AssertionError("feed still running after " + timeout.toSeconds() + " s, " + sent() + " bytes sent");
        }
    }

    /** Stops feeding and closes stdin (the sender's EOF, or the end of a hung sender). */
    @Override
    public void close() throws InterruptedException {
        thread.interrupt();
        thread.join(10_000);
        try {
            to.close();
        } catch (IOException e) {
            // the client is gone already
        }
    }
}
