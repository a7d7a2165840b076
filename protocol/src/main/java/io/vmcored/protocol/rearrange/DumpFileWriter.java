package io.vmcored.protocol.rearrange;

import io.vmcored.protocol.flat.FlattenedFileReader;
import io.vmcored.protocol.flat.RecordSink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The rearranger's output side: writes each record payload at its offset of a
 * (sparse) dump file with positional writes, so that overlapping rewrites end as
 * the last one wrote them, exactly like {@code makedumpfile -R}.
 *
 * <p>It remembers how much of the file's head has arrived so that a dump cut
 * short can be marked incomplete in its own header ({@link IncompleteMarker}).
 */
public final class DumpFileWriter implements RecordSink, FlattenedFileReader.RangeSink {

    private final FileChannel out;
    /** Where the channel's own file position is (-1: unknown); transfers write there, positional writes do not move it. */
    private long cursor = -1;
    private long extent;
    private long headCovered;
    private long bytesWritten;

    public DumpFileWriter(FileChannel out) {
        this.out = out;
    }

    @Override
    public void write(long offset, ByteBuffer payload) throws IOException {
        int n = payload.remaining();
        long at = offset;
        while (payload.hasRemaining()) {
            at += out.write(payload, at);
        }
        written(offset, n);
    }

    private void written(long offset, long n) {
        bytesWritten += n;
        extent = Math.max(extent, offset + n);
        if (offset <= headCovered && offset + n > headCovered) {
            headCovered = offset + n;
        }
    }

    /**
     * Moves a payload from a stream file with an in-kernel copy (sendfile), never
     * through the Java heap. Contiguous records skip the seek.
     */
    @Override
    public long transfer(FileChannel stream, long filePosition, long size, long offset) throws IOException {
        if (cursor != offset) {
            out.position(offset);
        }
        long moved = 0;
        while (moved < size) {
            long n = stream.transferTo(filePosition + moved, size - moved, out);
            if (n <= 0) {
                break;
            }
            moved += n;
        }
        cursor = offset + moved;
        written(offset, moved);
        return moved;
    }

    /** Largest offset + size written so far: the dump file's size. */
    public long extent() {
        return extent;
    }

    /** Payload bytes written (rewrites counted each time). */
    public long bytesWritten() {
        return bytesWritten;
    }

    /** Length of the contiguous region from offset 0 that has been written. */
    public long headCovered() {
        return headCovered;
    }

    /**
     * Marks the dump incomplete in its header (kdump status 0x8, ELF e_flags bit 0)
     * if enough of the header has arrived; returns what was done.
     */
    public IncompleteMarker.Result markIncomplete() throws IOException {
        return IncompleteMarker.mark(out, headCovered);
    }

    public FileChannel channel() {
        return out;
    }
}
