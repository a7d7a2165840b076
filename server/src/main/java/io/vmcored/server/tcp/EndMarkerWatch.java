package io.vmcored.server.tcp;

import io.netty.buffer.ByteBuf;

/**
 * Watches a bare stream for a flattened end marker (16 bytes 0xFF) at the tail of what
 * arrived. OpenBSD {@code nc host port < stream} does not half-close after its input, so
 * the server must notice the end itself; the session confirms it (everything committed and
 * the line quiet) before finishing, and the decoder has the last word on completeness.
 */
final class EndMarkerWatch {

    private int ffRun;

    /** True when the bytes seen so far end with at least 16 bytes of 0xFF. */
    boolean update(ByteBuf buf) {
        int end = buf.writerIndex();
        int start = buf.readerIndex();
        int i = end - 1;
        int run = 0;
        while (i >= start && buf.getByte(i) == (byte) 0xFF && run < 16) {
            run++;
            i--;
        }
        ffRun = i < start ? Math.min(16, ffRun + run) : run;
        return ffRun >= 16;
    }
}
