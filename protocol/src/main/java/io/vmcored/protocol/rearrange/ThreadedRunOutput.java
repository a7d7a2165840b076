package io.vmcored.protocol.rearrange;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs written by a thread of their own, so the kernel's copy into the page cache overlaps
 * the parsing and gathering on the other core (the command line, which has both cores to
 * itself). Memory: a fixed set of buffers, taken back as the writer thread finishes them.
 */
final class ThreadedRunOutput implements RunOutput {

    private final DumpFileWriter out;
    private final int runBytes;
    private final BlockingQueue<ByteBuffer> spare;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "vmcored-dump-writer");
        t.setDaemon(true);
        return t;
    });
    private Future<?> lastWrite;
    private volatile IOException failure;

    ThreadedRunOutput(DumpFileWriter out, int runBytes, int buffers) {
        this.out = out;
        this.runBytes = runBytes;
        this.spare = new ArrayBlockingQueue<>(buffers);
        for (int i = 0; i < buffers; i++) {
            spare.add(ByteBuffer.allocateDirect(runBytes));
        }
    }

    @Override
    public int runBytes() {
        return runBytes;
    }

    @Override
    public ByteBuffer take() throws IOException {
        throwIfFailed();
        try {
            return spare.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the dump writer");
        }
    }

    @Override
    public void write(long start, ByteBuffer run) throws IOException {
        throwIfFailed();
        lastWrite = writer.submit(() -> {
            try {
                if (failure == null) {
                    out.write(start, run);
                }
            } catch (IOException e) {
                failure = e;
            } finally {
                spare.add(run.clear());
            }
        });
    }

    @Override
    public void drain() throws IOException {
        if (lastWrite != null) {
            try {
                lastWrite.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the dump writer");
            } catch (ExecutionException e) {
                throw new IOException("dump writer failed: " + e.getCause(), e.getCause());
            }
            lastWrite = null;
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
