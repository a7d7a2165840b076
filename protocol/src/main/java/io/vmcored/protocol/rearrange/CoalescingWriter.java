package io.vmcored.protocol.rearrange;

import io.vmcored.protocol.flat.RecordSink;
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
 * Gathers record payloads into a few "runs" (contiguous output ranges) and writes
 * each run with one large positional write, on a writer thread of its own.
 *
 * <p>Why: makedumpfile interleaves small descriptor records with ~60 KiB page-data
 * records, so writing each record where it belongs means many small, unaligned,
 * alternating writes, which the kernel handles at about half the speed of one
 * sequential copy. Each run grows while records continue it (data area, descriptor
 * table), so the file sees sequential 2 MiB writes; and the kernel's copy into the
 * page cache runs on another core while the next runs are gathered.
 *
 * <p>Last write still wins: a record that overlaps a gathered run flushes that run
 * first; open runs never overlap each other; flushed runs are written in flush
 * order by one thread; a large payload written in place waits until every earlier
 * flush is on the file. Memory: {@link #BUFFERS} x {@link #RUN_BYTES}, whatever the
 * record sizes. Nothing is certain to be in the file until {@link #flush()}.
 */
public final class CoalescingWriter implements RecordSink, AutoCloseable {

    static final int RUNS = 4;
    static final int RUN_BYTES = 2 << 20;
    /** Open runs plus buffers in flight to the writer thread: the bound on memory. */
    static final int BUFFERS = RUNS + 4;
    /** Payloads this large gain nothing from gathering: written where they are. */
    private static final int DIRECT_WRITE = RUN_BYTES / 2;

    private final DumpFileWriter out;
    private final Run[] runs = new Run[RUNS];
    private final BlockingQueue<ByteBuffer> spare = new ArrayBlockingQueue<>(BUFFERS);
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "vmcored-dump-writer");
        t.setDaemon(true);
        return t;
    });
    private Future<?> lastWrite;
    private volatile IOException failure;
    private long tick;

    public CoalescingWriter(DumpFileWriter out) {
        this.out = out;
        for (int i = 0; i < RUNS; i++) {
            runs[i] = new Run(ByteBuffer.allocateDirect(RUN_BYTES));
        }
        for (int i = RUNS; i < BUFFERS; i++) {
            spare.add(ByteBuffer.allocateDirect(RUN_BYTES));
        }
    }

    @Override
    public void write(long offset, ByteBuffer payload) throws IOException {
        throwIfFailed();
        int n = payload.remaining();
        Run target = null;
        for (Run run : runs) {
            if (run.isEmpty()) {
                continue;
            }
            if (run.end() == offset && run.buf.remaining() >= n) {
                target = run;
            } else if (offset < run.end() && offset + n > run.start) {
                handOff(run);
            }
        }
        if (target == null) {
            if (n >= DIRECT_WRITE) {
                drain();
                out.write(offset, payload);
                return;
            }
            target = leastRecentlyUsed();
            handOff(target);
            target.start = offset;
        }
        target.buf.put(payload);
        target.lastUse = ++tick;
        if (target.buf.remaining() < DIRECT_WRITE / 8) {
            handOff(target);
        }
    }

    /** Writes every gathered run and waits until all of it is in the file. */
    public void flush() throws IOException {
        for (Run run : runs) {
            handOff(run);
        }
        drain();
    }

    /** Flushes, then stops the writer thread. */
    @Override
    public void close() throws IOException {
        try {
            flush();
        } finally {
            writer.shutdown();
        }
    }

    public DumpFileWriter target() {
        return out;
    }

    /** Queues the run's bytes for the writer thread and gives the run an empty buffer. */
    private void handOff(Run run) throws IOException {
        if (run.isEmpty()) {
            return;
        }
        ByteBuffer full = run.buf.flip();
        long start = run.start;
        try {
            run.buf = spare.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the dump writer");
        }
        lastWrite = writer.submit(() -> {
            try {
                if (failure == null) {
                    out.write(start, full);
                }
            } catch (IOException e) {
                failure = e;
            } finally {
                spare.add(full.clear());
            }
        });
    }

    /** Waits until every queued write has reached the file. */
    private void drain() throws IOException {
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

    private void throwIfFailed() throws IOException {
        IOException e = failure;
        if (e != null) {
            throw new IOException("writing the dump failed: " + e.getMessage(), e);
        }
    }

    private Run leastRecentlyUsed() {
        Run lru = runs[0];
        for (Run run : runs) {
            if (run.isEmpty()) {
                return run;
            }
            if (run.lastUse < lru.lastUse) {
                lru = run;
            }
        }
        return lru;
    }

    private static final class Run {
        ByteBuffer buf;
        long start;
        long lastUse;

        Run(ByteBuffer buf) {
            this.buf = buf;
        }

        boolean isEmpty() {
            return buf.position() == 0;
        }

        long end() {
            return start + buf.position();
        }
    }
}
