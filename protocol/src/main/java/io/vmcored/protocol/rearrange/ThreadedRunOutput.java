package io.vmcored.protocol.rearrange;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs written by a thread of their own, so the kernel's copy into the page cache overlaps
 * the reading and parsing on the other core (the command line, which has both cores to
 * itself). Memory: the runs are slices of the caller's input buffers, which come back to it
 * through {@link #then} once written, so the caller's buffers bound what is queued here.
 */
final class ThreadedRunOutput implements RunOutput {

    private final DumpFileWriter out;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "vmcored-dump-writer");
        t.setDaemon(true);
        return t;
    });
    private Future<?> last;
    private volatile IOException failure;

    ThreadedRunOutput(DumpFileWriter out) {
        this.out = out;
    }

    @Override
    public void write(long start, ByteBuffer[] slices, long bytes) throws IOException {
        throwIfFailed();
        last = writer.submit(() -> {
            if (failure != null) {
                return; // the first failure stands; what follows it is not written
            }
            try {
                out.write(start, slices, bytes);
            } catch (IOException e) {
                failure = e;
            } catch (RuntimeException e) {
                failure = new IOException(e.toString(), e);
            }
        });
    }

    @Override
    public void then(Runnable task) {
        last = writer.submit(task);
    }

    @Override
    public void drain() throws IOException {
        if (last != null) {
            try {
                last.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the dump writer");
            } catch (ExecutionException e) {
                throw new IOException("dump writer failed: " + e.getCause(), e.getCause());
            }
            last = null;
        }
        throwIfFailed();
    }

    @Override
    public void close() {
        writer.shutdown();
    }

    private void throwIfFailed() throws IOException {
        IOException e = failure;
        if (e != null) {
            throw new IOException("writing the dump failed: " + e.getMessage(), e);
        }
    }
}
