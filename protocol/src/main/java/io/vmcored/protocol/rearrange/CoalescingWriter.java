package io.vmcored.protocol.rearrange;

import io.vmcored.protocol.flat.RecordSink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Gathers record payloads into a few "runs" (contiguous output ranges) and writes each run
 * with gathering writes in large aligned pieces ({@link PositionalWrites}).
 *
 * <p>Why: makedumpfile interleaves small descriptor records with ~60 KiB page-data
 * records, so writing each record where it belongs means many small, unaligned,
 * alternating writes, which the kernel handles at about half the speed of one
 * sequential copy. Each run grows while records continue it (data area, descriptor
 * table), so the file sees large sequential writes.
 *
 * <p>No copy: a run is a list of the payloads themselves, which are views of the buffer
 * the decoder was fed. So the feeder must not reuse that buffer until this writer is done
 * with it: after {@link #flush()}, or once the task given to {@link #endOfChunk} runs.
 *
 * <p>Two ways to write the runs ({@link RunOutput}): the command line's writer thread
 * ({@link #CoalescingWriter(DumpFileWriter)}, the kernel's copy on the other core), and
 * the server's caller thread ({@link #onCallerThread}, flushed after every feed).
 *
 * <p>Last write still wins: a record that overlaps a gathered run hands that run to the
 * output first; open runs never overlap each other; runs are written in hand-off order.
 */
public final class CoalescingWriter implements RecordSink, AutoCloseable {

    static final int RUNS = 4;
    /** A run this long is handed to the output without waiting for more. */
    static final int RUN_BYTES = 1 << 20;

    private final DumpFileWriter out;
    private final RunOutput output;
    private final Run[] runs = new Run[RUNS];
    private long tick;

    /** Runs written by a thread of this writer's own; feed it with {@link #endOfChunk}. */
    public CoalescingWriter(DumpFileWriter out) {
        this(out, new ThreadedRunOutput(out));
    }

    private CoalescingWriter(DumpFileWriter out, RunOutput output) {
        this.out = out;
        this.output = output;
        for (int i = 0; i < RUNS; i++) {
            runs[i] = new Run();
        }
    }

    /**
     * Runs written on the calling thread. The caller must {@link #flush()} before it reuses a
     * buffer it fed (the server: after every feed).
     */
    public static CoalescingWriter onCallerThread(DumpFileWriter out) {
        return new CoalescingWriter(out, new CallerThreadRunOutput(out));
    }

    /** Takes {@code payload} itself, not a copy: see the class comment for how long it must stay. */
    @Override
    public void write(long offset, ByteBuffer payload) throws IOException {
        int n = payload.remaining();
        if (n == 0) {
            return;
        }
        Run target = null;
        for (Run run : runs) {
            if (run.isEmpty()) {
                continue;
            }
            if (run.end() == offset) {
                target = run;
            } else if (offset < run.end() && offset + n > run.start) {
                handOff(run);
            }
        }
        if (target == null) {
            target = leastRecentlyUsed();
            handOff(target);
            target.start = offset;
        }
        target.add(payload);
        target.lastUse = ++tick;
        if (target.bytes >= RUN_BYTES) {
            handOff(target);
        }
    }

    /**
     * The buffer fed since the last call is done with here: its runs go to the output, and
     * {@code released} runs once they are in the file (on the writer thread, or at once).
     */
    public void endOfChunk(Runnable released) throws IOException {
        handOffAll();
        output.then(released);
    }

    /** Writes every gathered run and waits until all of it is in the file. */
    public void flush() throws IOException {
        handOffAll();
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

    private void handOffAll() throws IOException {
        for (Run run : runs) {
            handOff(run);
        }
    }

    private void handOff(Run run) throws IOException {
        if (run.isEmpty()) {
            return;
        }
        ByteBuffer[] slices = Arrays.copyOf(run.slices, run.count);
        long bytes = run.bytes;
        run.clear();
        output.write(run.start, slices, bytes);
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
        ByteBuffer[] slices = new ByteBuffer[32];
        int count;
        long bytes;
        long start;
        long lastUse;

        boolean isEmpty() {
            return count == 0;
        }

        long end() {
            return start + bytes;
        }

        void add(ByteBuffer payload) {
            if (count == slices.length) {
                slices = Arrays.copyOf(slices, count * 2);
            }
            slices[count++] = payload;
            bytes += payload.remaining();
        }

        void clear() {
            Arrays.fill(slices, 0, count, null);
            count = 0;
            bytes = 0;
        }
    }
}
