package io.vmcored.server.storage;

import java.nio.ByteBuffer;
import net.jpountz.xxhash.XXHash64;
import net.jpountz.xxhash.XXHashFactory;

/**
 * Remembers a hash of the last {@link #WINDOW} stream bytes before the committed position,
 * so that a resumed sender can prove it regenerated the same stream (it resends those
 * bytes). Holds one window of the previous slice; costs one small copy per slice.
 *
 * <pre>
 * stream  ...|<--- prevTail --->|<------ slice [p0, p1) ------>|
 *                     [committed - WINDOW, committed)      (committed in (p0, p1])
 * </pre>
 */
final class CommitWindow {

    static final int WINDOW = 4096;
    static final XXHash64 XXH = XXHashFactory.fastestInstance().hash64();

    private final byte[] prevTail = new byte[WINDOW];
    private final byte[] window = new byte[WINDOW];
    private int prevTailLen;
    private long lastCommitted;
    private ResumePoint point;

    CommitWindow(ResumePoint start) {
        this.point = start;
        this.lastCommitted = start == null ? 0 : start.committed();
    }

    /** Called after {@code slice} (stream bytes [p0, p0 + remaining), position untouched) was stored. */
    void after(ByteBuffer slice, long p0, long committed) {
        int len = slice.remaining();
        if (committed > lastCommitted && committed > p0) {
            long from = Math.max(0, committed - WINDOW);
            int n = 0;
            if (from < p0) {
                int fromPrev = (int) (p0 - from);
                System.arraycopy(prevTail, prevTailLen - fromPrev, window, 0, fromPrev);
                n = fromPrev;
            }
            int fromSlice = (int) (committed - Math.max(from, p0));
            slice.duplicate().position(slice.position() + (int) (Math.max(from, p0) - p0)).get(window, n, fromSlice);
            n += fromSlice;
            point = new ResumePoint(committed, from, XXH.hash(window, 0, n, 0));
            lastCommitted = committed;
        }
        if (len >= WINDOW) {
            slice.duplicate().position(slice.position() + len - WINDOW).get(prevTail, 0, WINDOW);
            prevTailLen = WINDOW;
        } else {
            int keep = Math.min(prevTailLen, WINDOW - len);
            System.arraycopy(prevTail, prevTailLen - keep, prevTail, 0, keep);
            slice.duplicate().get(prevTail, keep, len);
            prevTailLen = keep + len;
        }
    }

    ResumePoint point() {
        return point;
    }
}
