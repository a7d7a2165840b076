package io.vmcored.server.recovery;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Plays a slow producer (makedumpfile on a busy capture kernel) into a client's stdin on a
 * thread of its own: an optional request line, then a file's bytes at a fixed rate. At the
 * end it closes stdin (EOF), or, with {@code stallAfter}, stops sending but keeps stdin open
 * (a sender that hangs). A client that dies (server killed) just ends the feed.
 */
final class SlowFeed implements AutoCloseable {

    private static final int CHUNK = 32 * 1024;

    private final OutputStream to;
    private final AtomicLong sent = new AtomicLong();
    private final Thread thread;
    private volatile boolean done;
    private volatile IOException broken;

    /**
     * @param prefix     written first, at once (e.g. {@code VMCORED/1 PUT ...\n}); may be empty
     * @param stallAfter stop after this many file bytes and hold stdin open; -1 = send all, then EOF
     */
    SlowFeed(OutputStream to, byte[] prefix, Path file, long bytesPerSecond, long stallAfter) {
        this.to = to;
        this.thread = new Thread(() -> run(prefix, file, bytesPerSecond, stallAfter), "slow-feed");
        thread.setDaemon(true);
        thread.start();
    }

    private void run(byte[] prefix, Path file, long rate, long stallAfter) {
        long start = System.nanoTime();
        try (InputStream in = Files.newInputStream(file)) {
            to.write(prefix);
            to.flush();
            byte[] buf = new byte[CHUNK];
            long limit = stallAfter < 0 ? Long.MAX_VALUE : stallAfter;
            int n;
            while (sent.get() < limit && (n = in.read(buf, 0, (int) Math.min(CHUNK, limit - sent.get()))) > 0) {
                to.write(buf, 0, n);
                to.flush();
                long total = sent.addAndGet(n);
                long due = start + total * 1_000_000_000L / rate;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
            if (stallAfter < 0) {
                to.close();
            }
        } catch (IOException e) {
            broken = e; // the client (or the server behind it) went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            done = true;
        }
    }

    /** File bytes written so far. */
    long sent() {
        return sent.get();
    }

    boolean done() {
        return done;
    }

    /** Waits until the feed has ended (all sent, stalled, or the client died); fails past the timeout. */
    void await(Duration timeout) throws InterruptedException {
        thread.join(timeout.toMillis());
        if (thread.isAlive()) {
            throw new AssertionError("feed still running after " + timeout.toSeconds() + " s, " + sent() + " bytes sent");
        }
    }

    IOException broken() {
        return broken;
    }

    /** Stops feeding and closes stdin (the sender's EOF). */
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
