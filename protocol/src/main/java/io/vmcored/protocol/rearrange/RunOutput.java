package io.vmcored.protocol.rearrange;

import java.io.IOException;
import java.nio.ByteBuffer;

/** Where {@link CoalescingWriter} gets run buffers from and sends full runs to. */
interface RunOutput {

    /** Bytes one run holds. */
    int runBytes();

    /** An empty buffer of {@link #runBytes()} for a run (may wait for one to come back). */
    ByteBuffer take() throws IOException;

    /** Writes a full (flipped) run at {@code start}, now or later in call order; the buffer comes back to this output. */
    void write(long start, ByteBuffer run) throws IOException;

    /** Returns when everything passed to {@link #write} is in the file. */
    void drain() throws IOException;

    void close();
}
