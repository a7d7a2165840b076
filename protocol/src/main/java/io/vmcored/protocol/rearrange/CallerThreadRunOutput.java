package io.vmcored.protocol.rearrange;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Runs written at once on the caller's thread, in buffers the thread lends: for a server
 * that feeds many uploads from a few file threads and flushes after every feed
 * ({@link StreamReceiver}), so no buffer is held between feeds and memory stays at
 * {@link CoalescingWriter#RUNS} x {@link #RUN_BYTES} per file thread, however many uploads.
 */
final class CallerThreadRunOutput implements RunOutput {

    /** 256 KiB: one positional write each ({@link PositionalWrites#MAX_WRITE}). */
    static final int RUN_BYTES = PositionalWrites.MAX_WRITE;

    private static final ThreadLocal<ArrayDeque<ByteBuffer>> LENT = ThreadLocal.withInitial(ArrayDeque::new);

    private final DumpFileWriter out;

    CallerThreadRunOutput(DumpFileWriter out) {
        this.out = out;
    }

    @Override
    public int runBytes() {
        return RUN_BYTES;
    }

    @Override
    public ByteBuffer take() {
        ByteBuffer b = LENT.get().poll();
        return b != null ? b : ByteBuffer.allocateDirect(RUN_BYTES);
    }

    @Override
    public void write(long start, ByteBuffer run) throws IOException {
        try {
            out.write(start, run);
        } finally {
            ArrayDeque<ByteBuffer> lent = LENT.get();
            if (lent.size() < CoalescingWriter.RUNS) { // more only if a thread interleaved writers: let those go
                lent.push(run.clear());
            }
        }
    }

    @Override
    public void drain() {
        // written already
    }

    @Override
    public void close() {
    }
}
