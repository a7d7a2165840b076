package io.vmcored.protocol.rearrange;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Runs written at once on the caller's thread: for a server that feeds many uploads from a
 * few file threads and flushes after every feed ({@link StreamReceiver}), so nothing of an
 * upload is held between feeds.
 */
final class CallerThreadRunOutput implements RunOutput {

    private final DumpFileWriter out;

    CallerThreadRunOutput(DumpFileWriter out) {
        this.out = out;
    }

    @Override
    public void write(long start, ByteBuffer[] slices, long bytes) throws IOException {
        out.write(start, slices, bytes);
    }

    @Override
    public void then(Runnable task) {
        task.run();
    }

    @Override
    public void drain() {
        // written already
    }

    @Override
    public void close() {
    }
}
