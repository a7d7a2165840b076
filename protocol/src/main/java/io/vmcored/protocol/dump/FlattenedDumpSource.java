package io.vmcored.protocol.dump;

import io.vmcored.protocol.flat.DecoderLimits;
import io.vmcored.protocol.flat.FlattenedFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a flattened stream ({@code makedumpfile -F}) as the dump it encodes, without
 * rearranging it: opening indexes the record headers (seeking past payloads), reads
 * then go straight to the stream bytes.
 *
 * <pre>
 * stream: | start header 4096 | off,size (BE) | payload | off,size | payload | ... | -1,-1 |
 * view:   byte x of the dump = byte of the last record covering x; uncovered bytes are 0;
 *         size = max(off + size)
 * </pre>
 *
 * A stream cut short is indexed up to what arrived (a partial last payload counts,
 * like the rearranger writes it) and reported in {@link #problems()}.
 */
public final class FlattenedDumpSource implements DumpSource {

    private final DumpSource stream;
    private final SegmentMap map = new SegmentMap();
    private final List<String> problems = new ArrayList<>();
    private long size;
    private long records;
    private boolean ended;

    private FlattenedDumpSource(DumpSource stream) {
        this.stream = stream;
    }

    /** Indexes the flattened stream held by {@code stream}; closing the view closes it. */
    public static FlattenedDumpSource index(DumpSource stream, DecoderLimits limits) throws IOException {
        FlattenedDumpSource view = new FlattenedDumpSource(stream);
        try {
            view.build(limits);
        } catch (IOException | RuntimeException e) {
            stream.close();
            throw e;
        }
        return view;
    }

    public static FlattenedDumpSource open(Path path) throws IOException {
        return index(FileDumpSource.open(path), DecoderLimits.DEFAULT);
    }

    private void build(DecoderLimits limits) throws IOException {
        long streamSize = stream.size();
        if (streamSize < FlattenedFormat.START_HEADER_SIZE) {
            throw new DumpFormatException(stream.name() + ": flattened start header needs "
                    + FlattenedFormat.START_HEADER_SIZE + " bytes, the file has " + streamSize);
        }
        ByteBuffer head = stream.readExactly(0, 32, "flattened start header");
        if (!FlattenedFormat.hasSignature(head)) {
            throw new DumpFormatException(stream.name() + ": not a flattened stream (no \"makedumpfile\" signature)");
        }
        long type = head.order(ByteOrder.BIG_ENDIAN).getLong(FlattenedFormat.SIGNATURE_FIELD_SIZE);
        if (type != FlattenedFormat.TYPE_FLATTENED) {
            throw new DumpFormatException(stream.name() + ": flattened type is " + type + ", expected 1");
        }
        long pos = FlattenedFormat.START_HEADER_SIZE;
        ByteBuffer rh = ByteBuffer.allocate(FlattenedFormat.RECORD_HEADER_SIZE).order(ByteOrder.BIG_ENDIAN);
        while (true) {
            if (streamSize - pos < FlattenedFormat.RECORD_HEADER_SIZE) {
                problems.add("flattened stream ends before its end marker, after " + records
                        + " records (stream byte " + pos + " of " + streamSize + ")");
                return;
            }
            rh.clear();
            while (rh.hasRemaining() && stream.read(pos + rh.position(), rh) >= 0) {
                // fill the 16-byte record header
            }
            long offset = rh.getLong(0);
            long length = rh.getLong(8);
            if (offset == FlattenedFormat.END_MARKER && length == FlattenedFormat.END_MARKER) {
                ended = true;
                return;
            }
            if (offset < 0 || length <= 0 || offset > limits.maxDumpSize() || length > limits.maxDumpSize() - offset) {
                throw new DumpFormatException(stream.name() + ": flattened record " + (records + 1) + " at stream byte "
                        + pos + " has offset " + offset + " and size " + length
                        + ", expected offset >= 0, size > 0, end <= " + limits.maxDumpSize());
            }
            pos += FlattenedFormat.RECORD_HEADER_SIZE;
            long present = Math.min(length, streamSize - pos);
            if (present > 0) {
                map.add(offset, offset + present, pos);
                size = Math.max(size, offset + present);
            }
            records++;
            if (present < length) {
                problems.add("flattened stream ends before its end marker, inside record " + records + " (" + present + " of "
                        + length + " payload bytes)");
                return;
            }
            pos += length;
        }
    }

    @Override
    public int read(long offset, ByteBuffer dst) throws IOException {
        if (offset >= size || offset < 0) {
            return -1;
        }
        int want = (int) Math.min(dst.remaining(), size - offset);
        SegmentMap.Segment seg = map.at(offset);
        if (seg == null) {
            int n = (int) Math.min(want, map.nextStart(offset) - offset);
            int p = dst.position();
            if (dst.hasArray()) {
                Arrays.fill(dst.array(), dst.arrayOffset() + p, dst.arrayOffset() + p + n, (byte) 0);
            } else {
                for (int i = 0; i < n; i++) {
                    dst.put(p + i, (byte) 0);
                }
            }
            dst.position(p + n);
            return n;
        }
        int n = (int) Math.min(want, seg.end() - offset);
        ByteBuffer part = dst.slice().limit(n);
        int got = 0;
        while (part.hasRemaining()) {
            int r = stream.read(seg.streamPos() + (offset - seg.start()) + part.position(), part);
            if (r < 0) {
                throw new DumpFormatException(stream.name() + ": flattened stream shrank while being read");
            }
            got += r;
        }
        dst.position(dst.position() + got);
        return got;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public String name() {
        return stream.name();
    }

    /** Size of the flattened stream itself. */
    public long streamSize() throws IOException {
        return stream.size();
    }

    /** True when the end marker was found: the stream is complete. */
    public boolean ended() {
        return ended;
    }

    public long records() {
        return records;
    }

    /** What was wrong with the stream (cut short); empty for a complete stream. */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    @Override
    public void close() throws IOException {
        stream.close();
    }
}
