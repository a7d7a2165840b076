package io.vmcored.protocol.rearrange;

import io.vmcored.protocol.flat.RecordSink;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Gathers record payloads into a few "runs" (contiguous output ranges) and writes
 * each run with one large positional write.
 *
 * <p>Why: makedumpfile interleaves small descriptor records with ~60 KiB page-data
 * records, so writing each record where it belongs means many small, unaligned,
 * alternating writes, which the kernel handles at about half the speed of one
 * sequential copy. Each run grows while records continue it (data area, descriptor
 * table), so the file sees large sequential writes.
 *
 * <p>Two ways to write the runs ({@link RunOutput}): the command line's writer thread
 * ({@link #CoalescingWriter(DumpFileWriter)}: 2 MiB runs, the kernel's copy on the other
 * core), and the server's caller thread ({@link #onCallerThread}: 256 KiB runs in buffers
 * the file thread lends, flushed after every feed).
 *
 * <p>Last write still wins: a record that overlaps a gathered run flushes that run
 * first; open runs never overlap each other; flushed runs are written in flush
 * order; a large payload written in place waits until every earlier run is in the
 * file. Nothing is certain to be in the file until {@link #flush()}.
 */
public final class CoalescingWriter implements RecordSink, AutoCloseable {

    static final int RUNS = 4;
    static final int RUN_BYTES = 2 << 20;
    /** Open runs plus buffers in flight to the writer thread: the bound on memory. */
    static final int BUFFERS = RUNS + 4;

    private final DumpFileWriter out;
    private final RunOutput output;
    /** Payloads this large gain nothing from gathering: written where they are. */
    private final int directWrite;
    private final Run[] runs = new Run[RUNS];
    private long tick;

    /** Runs of 2 MiB, written by a thread of this writer's own. */
    public CoalescingWriter(DumpFileWriter out) {
        this(out, new ThreadedRunOutput(out, RUN_BYTES, BUFFERS));
    }

    private CoalescingWriter(DumpFileWriter out, RunOutput output) {
        this.out = out;
        this.output = output;
        this.directWrite = output.runBytes() / 2;
        for (int i = 0; i < RUNS; i++) {
            runs[i] = new Run();
        }
    }

    /**
     * Runs of 256 KiB written on the calling thread, in buffers that thread lends. The
     * caller must {@link #flush()} before it leaves the thread's other work to it (the
     * server: after every feed).
     */
    public static CoalescingWriter onCallerThread(DumpFileWriter out) {
        return new CoalescingWriter(out, new CallerThreadRunOutput(out));
    }

    @Override
    public void write(long offset, ByteBuffer payload) throws IOException {
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
            if (n >= directWrite) {
                output.drain();
                out.write(offset, payload);
                return;
            }
            target = leastRecentlyUsed();
            handOff(target);
            target.start = offset;
        }
        if (target.buf == null) {
            target.buf = output.take();
        }
        target.buf.put(payload);
        target.lastUse = ++tick;
        if (target.buf.remaining() < directWrite / 8) {
            handOff(target);
        }
    }

    /** Writes every gathered run and waits until all of it is in the file. */
    public void flush() throws IOException {
        for (Run run : runs) {
            handOff(run);
        }
        output.drain();
    }

    /** Flushes, then stops the writer thread (if any). */
    @Override
    public void close() throws IOException {
        try {
            flush();
        } finally {
            output.close();
        }
    }

    public DumpFileWriter target() {
        return out;
    }

    /** Passes the run's bytes to the output; the run takes a new buffer when it next grows. */
    private void handOff(Run run) throws IOException {
        if (run.isEmpty()) {
            return;
        }
        ByteBuffer full = run.buf.flip();
        run.buf = null;
        output.write(run.start, full);
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

        boolean isEmpty() {
            return buf == null || buf.position() == 0;
        }

        long end() {
            return start + buf.position();
        }
    }
}
