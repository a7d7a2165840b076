package io.vmcored.protocol.rearrange;

import java.io.IOException;
import java.nio.ByteBuffer;

/** Where {@link CoalescingWriter} sends its runs: written on the caller's thread or on a writer thread. */
interface RunOutput {

    /**
     * Writes {@code bytes} from {@code slices}, in order, as one range from {@code start}: now or
     * later, in call order. The slices' bytes must stay as they are until then.
     */
    void write(long start, ByteBuffer[] slices, long bytes) throws IOException;

    /** Runs {@code task} once everything passed to {@link #write} before it is in the file; runs it even after a failed write. */
    void then(Runnable task);

    /** Returns when everything passed to {@link #write} is in the file. */
    void drain() throws IOException;

    void close();
}
