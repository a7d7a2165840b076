package io.vmcored.protocol.rearrange;

import io.vmcored.protocol.flat.DecoderLimits;
import io.vmcored.protocol.flat.FlattenedDecoder;
import io.vmcored.protocol.flat.FlattenedFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Stores one upload into one file, deciding by content: a flattened stream is
 * rearranged while it arrives; anything else (ELF vmcore, kdump file, text,
 * wrapped streams this class does not unwrap) is stored byte for byte as sent.
 *
 * <p>It does not force anything to disk: when to pay for that is the storage layer's
 * decision (the server answers the sender first and syncs in the background).
 *
 * <p>Transport-neutral: SSH, TCP and HTTP feed it buffers from their own threads
 * (never an event loop: the writes block) and call {@link #finish()} at EOF.
 * Holds at most {@link ContentKind#SNIFF_BYTES} bytes of its own between feeds; during
 * one, records are gathered into runs as views of the fed buffer
 * ({@link CoalescingWriter#onCallerThread}), all written before {@code feed} returns.
 */
public final class StreamReceiver {

    /** How an upload ended. {@code complete} is false for a flattened stream cut before its end marker. */
    public record Outcome(ContentKind kind, boolean complete, long streamBytes, long fileSize,
                          IncompleteMarker.Result marked, String problem) {
    }

    private final FileChannel out;
    private final DecoderLimits limits;
    private final SpaceReserver reserver;
    private final ByteBuffer sniff = ByteBuffer.allocate(ContentKind.SNIFF_BYTES);
    private ContentKind kind;
    private FlattenedDecoder decoder;
    private DumpFileWriter writer;
    private CoalescingWriter gather;
    private DumpFileWriter raw;
    private long rawPosition;
    private long streamBytes;

    public StreamReceiver(FileChannel out, DecoderLimits limits) {
        this(out, limits, SpaceReserver.NONE);
    }

    /** A receiver whose writes have {@code reserver} reserve blocks ahead of them. */
    public StreamReceiver(FileChannel out, DecoderLimits limits, SpaceReserver reserver) {
        this.out = out;
        this.limits = limits;
        this.reserver = reserver;
    }

    /**
     * Continues an upload of {@code kind} whose first {@code committed} stream bytes are
     * already in {@code out} (for a flattened stream: up to a record boundary past the
     * start header). The next byte fed is stream byte {@code committed}.
     */
    public static StreamReceiver resuming(FileChannel out, ContentKind kind, long committed, DecoderLimits limits)
            throws IOException {
        return resuming(out, kind, committed, limits, SpaceReserver.NONE);
    }

    /** {@link #resuming(FileChannel, ContentKind, long, DecoderLimits)} with a {@link SpaceReserver}. */
    public static StreamReceiver resuming(FileChannel out, ContentKind kind, long committed, DecoderLimits limits,
                                          SpaceReserver reserver) throws IOException {
        StreamReceiver r = new StreamReceiver(out, limits, reserver);
        r.kind = kind;
        r.streamBytes = committed;
        if (kind == ContentKind.FLATTENED) {
            r.writer = DumpFileWriter.continuing(out, out.size(), reserver);
            r.gather = CoalescingWriter.onCallerThread(r.writer);
            r.decoder = FlattenedDecoder.resumingAt(committed, r.gather, limits);
        } else {
            r.rawPosition = committed;
            r.raw = DumpFileWriter.continuing(out, committed, reserver);
        }
        return r;
    }

    public void feed(ByteBuffer in) throws IOException {
        streamBytes += in.remaining();
        if (kind == null) {
            int n = Math.min(in.remaining(), sniff.remaining());
            ByteBuffer part = in.slice().limit(n);
            sniff.put(part);
            in.position(in.position() + n);
            if (sniff.hasRemaining()) {
                return;
            }
            decide();
        }
        pass(in);
    }

    /** End of input: completes or marks the dump incomplete; never throws for a short stream. */
    public Outcome finish() throws IOException {
        if (kind == null) {
            decide();
        }
        if (decoder == null) {
            out.truncate(rawPosition); // a resumed raw upload may end before an earlier attempt did
            return new Outcome(kind, true, streamBytes, rawPosition, null, null);
        }
        try {
            decoder.finish();
            return new Outcome(kind, true, streamBytes, writer.extent(), null, null);
        } catch (FlattenedFormatException e) {
            return incomplete(e.getMessage());
        }
    }

    /**
     * The stream broke (bad record, lost connection): keep what arrived and mark it
     * incomplete. {@code problem} is recorded in the outcome.
     */
    public Outcome abort(String problem) throws IOException {
        if (kind == null) {
            decide();
        }
        if (decoder == null) {
            return new Outcome(kind, false, streamBytes, rawPosition, null, problem);
        }
        return incomplete(problem);
    }

    /** Null until the first {@link ContentKind#SNIFF_BYTES} bytes have arrived. */
    public ContentKind kind() {
        return kind;
    }

    /** Stream bytes received, counting those committed before a resume. */
    public long streamBytes() {
        return streamBytes;
    }

    /** Stream bytes safely committed at a record boundary (flattened) or written (raw). */
    public long committedStreamBytes() {
        if (decoder != null) {
            return decoder.committedPosition();
        }
        return kind == null ? 0 : rawPosition;
    }

    private Outcome incomplete(String problem) throws IOException {
        IncompleteMarker.Result marked = writer.markIncomplete();
        return new Outcome(kind, false, streamBytes, writer.extent(), marked, problem);
    }

    private void decide() throws IOException {
        sniff.flip();
        kind = ContentKind.sniff(sniff);
        if (kind == ContentKind.FLATTENED) {
            writer = new DumpFileWriter(out, reserver);
            gather = CoalescingWriter.onCallerThread(writer);
            decoder = new FlattenedDecoder(gather, limits);
        } else {
            raw = new DumpFileWriter(out, reserver);
        }
        pass(sniff);
    }

    private void pass(ByteBuffer in) throws IOException {
        if (decoder != null) {
            try {
                decoder.feed(in);
            } catch (IOException | RuntimeException e) {
                try {
                    gather.flush(); // the valid records before a bad one are kept
                } catch (IOException f) {
                    e.addSuppressed(f);
                }
                throw e;
            }
            gather.flush(); // what was decoded is in the file when feed returns: committed means written
            return;
        }
        int n = in.remaining();
        raw.write(rawPosition, in);
        rawPosition += n;
    }
}
