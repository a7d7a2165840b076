package io.vmcored.protocol.flat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Walks a flattened stream that is a regular file, for callers that can move each
 * payload without reading it (in-kernel copies): record headers are read from a
 * memory map, payloads are handed over as (file position, size) ranges.
 *
 * <p>Same checks and messages as {@link FlattenedDecoder}; the same terminal
 * conditions: {@link TruncatedStreamException} when the file ends before the end
 * marker, {@link TrailingDataException} when bytes follow it.
 */
public final class FlattenedFileReader {

    /** Moves {@code size} bytes at {@code filePosition} of the stream to {@code offset} of the output. */
    public interface RangeSink {
        /** Returns how many bytes were moved; fewer than {@code size} only when the input ends. */
        long transfer(FileChannel stream, long filePosition, long size, long offset) throws IOException;
    }

    private static final long WINDOW = 1L << 30;

    private final FileChannel in;
    private final long start;
    private final long end;
    private MappedByteBuffer window;
    private long windowStart;
    private long records;

    /** Reads the stream from file position {@code start} (where the start header is) to the file's end. */
    public FlattenedFileReader(FileChannel in, long start) throws IOException {
        this.in = in;
        this.start = start;
        this.end = in.size();
    }

    /** Walks the whole stream, calling {@code sink} for each record in stream order. */
    public void walk(RangeSink sink, DecoderLimits limits) throws IOException {
        if (end - start < FlattenedFormat.START_HEADER_SIZE) {
            throw new TruncatedStreamException("stream ended before the end marker, inside the start header ("
                    + (end - start) + " of " + FlattenedFormat.START_HEADER_SIZE + " bytes)", end - start);
        }
        RecordHeaders.checkStart(view(start, FlattenedFormat.START_HEADER_SIZE));
        long pos = start + FlattenedFormat.START_HEADER_SIZE;
        while (true) {
            if (end - pos < FlattenedFormat.RECORD_HEADER_SIZE) {
                String where = pos == end ? "after record " + records
                        : "inside a record header (" + (end - pos) + " of 16 bytes)";
                throw new TruncatedStreamException("stream ended before the end marker, " + where, end - start);
            }
            ByteBuffer h = view(pos, FlattenedFormat.RECORD_HEADER_SIZE);
            long offset = h.getLong(h.position());
            long size = h.getLong(h.position() + 8);
            long at = pos - start;
            pos += FlattenedFormat.RECORD_HEADER_SIZE;
            if (RecordHeaders.isEnd(offset, size)) {
                if (pos < end) {
                    throw new TrailingDataException("garbage after the end marker: " + (end - pos) + " more bytes",
                            pos - start);
                }
                return;
            }
            RecordHeaders.checkRecord(offset, size, limits, records + 1, at);
            long moved = sink.transfer(in, pos, Math.min(size, end - pos), offset);
            pos += moved;
            if (moved < size) {
                throw new TruncatedStreamException("stream ended before the end marker, inside record "
                        + (records + 1) + " (" + moved + " of " + size + " payload bytes)", pos - start);
            }
            records++;
        }
    }

    /** Records fully walked. */
    public long records() {
        return records;
    }

    /** A view of {@code n} bytes at file position {@code pos}, from the current map window or a new one. */
    private ByteBuffer view(long pos, int n) throws IOException {
        if (window == null || pos < windowStart || pos + n > windowStart + window.capacity()) {
            windowStart = pos;
            window = in.map(FileChannel.MapMode.READ_ONLY, pos, Math.min(WINDOW, end - pos));
        }
        return window.duplicate().position((int) (pos - windowStart));
    }
}
