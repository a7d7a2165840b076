package io.vmcored.protocol.rearrange;

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
public final class DumpFileWriter implements RecordSink {

    private final FileChannel out;
    private final ReserveAhead reserve;
    private long extent;
    private long headCovered;
    private long bytesWritten;

    public DumpFileWriter(FileChannel out) {
        this(out, SpaceReserver.NONE, 0);
    }

    /** A writer that has {@code reserver} reserve blocks ahead of its writes. */
    public DumpFileWriter(FileChannel out, SpaceReserver reserver) {
        this(out, reserver, 0);
    }

    private DumpFileWriter(FileChannel out, SpaceReserver reserver, long existing) {
        this.out = out;
        this.reserve = new ReserveAhead(reserver, existing);
    }

    /**
     * A writer continuing a dump file whose first {@code existing} bytes were written
     * before (a resumed upload): its head counts as arrived, its size as the extent.
     */
    public static DumpFileWriter continuing(FileChannel out, long existing, SpaceReserver reserver) {
        DumpFileWriter w = new DumpFileWriter(out, reserver, existing);
        w.extent = existing;
        w.headCovered = existing;
        return w;
    }

    @Override
    public void write(long offset, ByteBuffer payload) throws IOException {
        reserve.beforeWrite(offset, offset + payload.remaining());
        wrote(offset, PositionalWrites.writeFully(out, payload, offset));
    }

    /** Writes {@code bytes} from {@code slices}, in order, as one range at {@code offset}. */
    public void write(long offset, ByteBuffer[] slices, long bytes) throws IOException {
        reserve.beforeWrite(offset, offset + bytes);
        wrote(offset, PositionalWrites.writeFully(out, slices, offset));
    }

    private void wrote(long offset, long n) {
        bytesWritten += n;
        extent = Math.max(extent, offset + n);
        if (offset <= headCovered && offset + n > headCovered) {
            headCovered = offset + n;
        }
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
