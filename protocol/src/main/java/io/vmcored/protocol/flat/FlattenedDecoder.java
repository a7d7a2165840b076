package io.vmcored.protocol.flat;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Incremental decoder of makedumpfile's flattened format: feed it chunks of any
 * size, split anywhere, and it hands each record's payload to a {@link RecordSink}
 * as soon as the bytes are there.
 *
 * <pre>
 * stream:  +-------------------------------+------------------+---------+-----+----------------+
 *          | start header (4096 bytes)     | offset | size    | payload | ... | -1     | -1    |
 *          | "makedumpfile\0\0\0\0" type=1 | int64 BE int64BE| size B  |     | end marker     |
 *          +-------------------------------+------------------+---------+-----+----------------+
 * output:  payload bytes land at {@code offset} of the dump file; later writes win.
 * </pre>
 *
 * <p>Only the start header (4096 bytes) and a record header (16 bytes) are ever
 * held; payload is passed through in the caller's buffers. Every offset and size is
 * checked against {@link DecoderLimits} before anything is written; invalid input
 * moves the decoder to a terminal failed state.
 */
public final class FlattenedDecoder {

    private enum State { START_HEADER, RECORD_HEADER, PAYLOAD, ENDED, FAILED }

    private final RecordSink sink;
    private final DecoderLimits limits;
    private final ByteBuffer header = ByteBuffer.allocate(FlattenedFormat.START_HEADER_SIZE);

    private State state;
    private long position;
    private long committed;
    private long recordOffset;
    private long recordSize;
    private long payloadDone;
    private long records;
    private long extent;

    public FlattenedDecoder(RecordSink sink, DecoderLimits limits) {
        this(sink, limits, 0);
    }

    private FlattenedDecoder(RecordSink sink, DecoderLimits limits, long startPosition) {
        this.sink = sink;
        this.limits = limits;
        this.position = startPosition;
        this.committed = startPosition;
        if (startPosition == 0) {
            state = State.START_HEADER;
        } else {
            state = State.RECORD_HEADER;
            header.limit(FlattenedFormat.RECORD_HEADER_SIZE);
        }
    }

    /**
     * A decoder that continues a stream whose first {@code committedPosition} bytes
     * (start header and whole records) were already decoded, e.g. before a dropped
     * connection. The next byte fed must be stream byte {@code committedPosition}.
     */
    public static FlattenedDecoder resumingAt(long committedPosition, RecordSink sink, DecoderLimits limits) {
        if (committedPosition < FlattenedFormat.START_HEADER_SIZE) {
            return new FlattenedDecoder(sink, limits);
        }
        return new FlattenedDecoder(sink, limits, committedPosition);
    }

    /**
     * Decodes as much of {@code in} as possible; consumes it completely unless an
     * exception is thrown.
     */
    public void feed(ByteBuffer in) throws IOException {
        try {
            while (in.hasRemaining()) {
                switch (state) {
                    case START_HEADER -> readStartHeader(in);
                    case RECORD_HEADER -> readRecordHeader(in);
                    case PAYLOAD -> passPayload(in);
                    case ENDED -> throw new TrailingDataException(
                            "garbage after the end marker: " + in.remaining() + " more bytes", position);
                    case FAILED -> throw new FlattenedFormatException("decoder already failed", position);
                }
            }
        } catch (IOException | RuntimeException e) {
            state = State.FAILED;
            throw e;
        }
    }

    /**
     * Declares end of input. Throws {@link TruncatedStreamException} when the end
     * marker has not arrived; everything decoded so far has been written.
     */
    public void finish() throws FlattenedFormatException {
        if (state == State.ENDED) {
            return;
        }
        String where = switch (state) {
            case START_HEADER -> "inside the start header (" + header.position() + " of "
                    + FlattenedFormat.START_HEADER_SIZE + " bytes)";
            case RECORD_HEADER -> header.position() == 0 ? "after record " + records
                    : "inside a record header (" + header.position() + " of 16 bytes)";
            case PAYLOAD -> "inside record " + (records + 1) + " (" + payloadDone + " of " + recordSize
                    + " payload bytes)";
            default -> "after a decoding failure";
        };
        state = State.FAILED;
        throw new TruncatedStreamException("stream ended before the end marker, " + where, position);
    }

    public boolean isEnded() {
        return state == State.ENDED;
    }

    public boolean isFailed() {
        return state == State.FAILED;
    }

    /** Stream bytes consumed so far. */
    public long position() {
        return position;
    }

    /** Stream bytes up to the last complete record (or start header): where a resumed sender restarts. */
    public long committedPosition() {
        return committed;
    }

    /** Records fully decoded. */
    public long records() {
        return records;
    }

    /** Size of the output so far: the largest {@code offset + size} of any record. */
    public long extent() {
        return extent;
    }

    private void readStartHeader(ByteBuffer in) throws FlattenedFormatException {
        fill(in);
        if (header.hasRemaining()) {
            return;
        }
        header.flip();
        RecordHeaders.checkStart(header);
        committed = position;
        header.clear().limit(FlattenedFormat.RECORD_HEADER_SIZE);
        state = State.RECORD_HEADER;
    }

    private void readRecordHeader(ByteBuffer in) throws FlattenedFormatException {
        fill(in);
        if (header.hasRemaining()) {
            return;
        }
        long offset = header.getLong(0);
        long size = header.getLong(8);
        header.clear().limit(FlattenedFormat.RECORD_HEADER_SIZE);
        long at = position - FlattenedFormat.RECORD_HEADER_SIZE;
        if (RecordHeaders.isEnd(offset, size)) {
            committed = position;
            state = State.ENDED;
            return;
        }
        RecordHeaders.checkRecord(offset, size, limits, records + 1, at);
        recordOffset = offset;
        recordSize = size;
        payloadDone = 0;
        state = State.PAYLOAD;
    }

    private void passPayload(ByteBuffer in) throws IOException {
        int n = (int) Math.min(in.remaining(), recordSize - payloadDone);
        int oldLimit = in.limit();
        int start = in.position();
        in.limit(start + n);
        ByteBuffer slice = in.slice();
        in.limit(oldLimit).position(start + n);
        sink.write(recordOffset + payloadDone, slice);
        payloadDone += n;
        position += n;
        if (payloadDone == recordSize) {
            records++;
            extent = Math.max(extent, recordOffset + recordSize);
            committed = position;
            state = State.RECORD_HEADER;
        }
    }

    private void fill(ByteBuffer in) {
        int n = Math.min(in.remaining(), header.remaining());
        int oldLimit = in.limit();
        in.limit(in.position() + n);
        header.put(in);
        in.limit(oldLimit);
        position += n;
    }
}
