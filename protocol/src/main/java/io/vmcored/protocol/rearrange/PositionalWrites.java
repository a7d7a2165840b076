package io.vmcored.protocol.rearrange;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Positional writes of a whole buffer, at most {@link #MAX_WRITE} bytes per system call.
 *
 * <p>Why the cap: the kernel sizes the page-cache folios of a buffered write by the
 * write's length, so one 1-2 MiB write asks for order-8/9 folios. On the Firecracker
 * VMs we measure on (free page reporting hands every free 2 MiB block back to the
 * host) those cost 3-9x the time of the same bytes in 256 KiB writes: `dd bs=2M`
 * copied a 2 GB file in 1.8-5.1 s, `dd bs=256K` in 0.56-0.59 s. Up to 256 KiB the
 * per-call cost is already negligible. Pieces end at 256 KiB-aligned file offsets:
 * the kernel also shrinks a folio to its offset's alignment, so a run starting at an
 * unaligned record offset would otherwise be written in small folios throughout
 * (docs/performance.md, "the cause was the write size").
 */
public final class PositionalWrites {

    public static final int MAX_WRITE = 256 << 10;

    private PositionalWrites() {
    }

    /** Writes all of {@code src} at {@code position}; returns the bytes written. */
    public static int writeFully(FileChannel ch, ByteBuffer src, long position) throws IOException {
        int n = src.remaining();
        int limit = src.limit();
        long at = position;
        try {
            while (src.hasRemaining()) {
                int piece = (int) (MAX_WRITE - (at & (MAX_WRITE - 1))); // up to the next aligned offset
                src.limit(Math.min(limit, src.position() + piece));
                while (src.hasRemaining()) {
                    at += ch.write(src, at);
                }
                src.limit(limit);
            }
        } finally {
            src.limit(limit);
        }
        return n;
    }

    /**
     * Writes {@code srcs}, in order, as one contiguous range from {@code position}
     * (gathering writes, in the same aligned pieces); returns the bytes written. The
     * buffers' positions advance as they are written.
     */
    public static long writeFully(FileChannel ch, ByteBuffer[] srcs, long position) throws IOException {
        int count = srcs.length;
        ByteBuffer[] piece = new ByteBuffer[count];
        long at = position;
        int i = 0;
        while (i < count) {
            long room = MAX_WRITE - (at & (MAX_WRITE - 1));
            int k = 0;
            long len = 0;
            ByteBuffer cut = null;
            int cutTake = 0;
            for (; i < count && len < room; i++) {
                ByteBuffer b = srcs[i];
                int r = b.remaining();
                if (r <= room - len) {
                    piece[k++] = b;
                    len += r;
                } else { // the piece ends inside b: write a view of its head, b stays current
                    cutTake = (int) (room - len);
                    piece[k++] = b.slice(b.position(), cutTake);
                    len += cutTake;
                    cut = b;
                    break;
                }
            }
            if (k == 1) {
                for (long p = at; piece[0].hasRemaining(); ) {
                    p += ch.write(piece[0], p);
                }
            } else if (k > 1) {
                // no positional gathering write in the JDK: this channel's position is ours alone
                ch.position(at);
                for (long done = 0; done < len; ) {
                    done += ch.write(piece, 0, k);
                }
            }
            if (cut != null) {
                cut.position(cut.position() + cutTake);
            }
            at += len;
        }
        return at - position;
    }
}
