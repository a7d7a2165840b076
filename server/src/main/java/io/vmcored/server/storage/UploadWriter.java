package io.vmcored.server.storage;

import io.vmcored.protocol.flat.DecoderLimits;
import io.vmcored.protocol.flat.FlattenedFormat;
import io.vmcored.protocol.rearrange.ContentKind;
import io.vmcored.protocol.rearrange.StreamReceiver.Outcome;
import io.vmcored.protocol.rearrange.StreamReceiver;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.function.LongSupplier;
import net.jpountz.xxhash.StreamingXXHash64;
import net.jpountz.xxhash.XXHashFactory;

/**
 * Stores one upload into one file of a dump directory, blocking (call it from the file
 * executor, never an event loop). A fresh upload goes through the protocol's
 * {@link StreamReceiver} (sniff, rearrange flattened, store others raw, mark incomplete),
 * unwrapped first by {@link UnwrappingReceiver} when a compressor wraps it.
 * A resumed upload first checks the resent overlap against the {@link ResumePoint}
 * and then continues where the committed part ended.
 */
public final class UploadWriter implements AutoCloseable {

    /**
     * Slices fed to the receiver are at most this big. The resume window (a 4 KiB copy and
     * hash) is taken once per slice: at 64 KiB that was ~12% of the file thread's time on a
     * fast stream; at 1 MiB (one socket read) it is under 1%, and a resume point still
     * moves every MiB.
     */
    private static final int SLICE = 1 << 20;

    private final FileChannel ch;
    private final FileSpaceReserver space;
    private final UnwrappingReceiver receiver;
    private final ResumePoint resumedFrom;
    private final CommitWindow window;
    private StreamingXXHash64 overlapHash;
    private long streamPos;
    private boolean mismatched;

    private UploadWriter(FileChannel ch, FileSpaceReserver space, DecoderLimits limits, ContentKind kind,
                         ResumePoint from) throws IOException {
        this.ch = ch;
        this.space = space;
        this.resumedFrom = from;
        this.window = new CommitWindow(from);
        if (from == null) {
            receiver = UnwrappingReceiver.fresh(ch, limits, space);
        } else {
            receiver = UnwrappingReceiver.resuming(StreamReceiver.resuming(ch, kind, from.committed(), limits, space));
            streamPos = from.from();
            overlapHash = XXHashFactory.fastestInstance().newStreamingHash64(0);
        }
    }

    /** A new upload into {@code file} (created or truncated, mode of the directory: 0700). */
    public static UploadWriter create(Path file, DecoderLimits limits, LongSupplier reservable) throws IOException {
        return opened(file, open(file, true), limits, null, null, reservable);
    }

    /**
     * Continues an upload of content {@code kind}: the next bytes fed must be stream bytes
     * from {@code point.from()}. Resuming needs the committed point past the flattened start header.
     */
    public static UploadWriter resume(Path file, ContentKind kind, ResumePoint point, DecoderLimits limits,
                                      LongSupplier reservable) throws IOException {
        if (!canResume(kind, point)) {
            throw new IllegalArgumentException("cannot resume " + kind + " at " + point);
        }
        return opened(file, open(file, false), limits, kind, point, reservable);
    }

    public static boolean canResume(ContentKind kind, ResumePoint point) {
        if (kind == null || point == null || point.committed() <= 0) {
            return false;
        }
        return kind != ContentKind.FLATTENED || point.committed() >= FlattenedFormat.START_HEADER_SIZE;
    }

    public void feed(ByteBuffer in) throws IOException {
        if (mismatched) {
            throw new ResumeMismatchException("resumed stream already refused");
        }
        while (in.hasRemaining()) {
            int n = Math.min(in.remaining(), SLICE);
            ByteBuffer slice = in.slice().limit(n);
            in.position(in.position() + n);
            if (overlapHash != null) {
                n = verify(slice);
                if (!slice.hasRemaining()) {
                    continue;
                }
            }
            long p0 = streamPos;
            ByteBuffer keep = slice.duplicate();
            receiver.feed(slice);
            streamPos += keep.remaining();
            window.after(keep, p0, committed());
        }
    }

    /** Stream bytes committed at a record boundary (flattened) or written (raw). */
    public long committed() {
        return receiver.committedStreamBytes();
    }

    /** Where a later resume would start, or null when nothing resumable was committed. */
    public ResumePoint resumePoint() {
        ResumePoint p = window.point();
        return canResume(kind(), p) ? p : null;
    }

    /** Bytes in the stored file now (what the committed part wrote lies below). */
    public long fileSize() throws IOException {
        return ch.size();
    }

    /** Null until the first bytes were sniffed. */
    public ContentKind kind() {
        return receiver.kind();
    }

    public long streamBytes() {
        return streamPos;
    }

    /** The compressor the upload came wrapped in (it is stored unwrapped), or null. */
    public ContentKind wrapper() {
        return receiver.wrapper();
    }

    /** True while a resumed upload is still proving its overlap. */
    public boolean verifying() {
        return overlapHash != null;
    }

    public Outcome finish() throws IOException {
        if (overlapHash != null) {
            return abort("stream ended inside the resume overlap at byte " + streamPos);
        }
        return receiver.finish();
    }

    /** The stream broke: keep what arrived, mark the dump incomplete in its header. */
    public Outcome abort(String problem) throws IOException {
        return receiver.abort(problem);
    }

    /** Flushes file data to disk: a checkpointed committed offset must survive a crash. */
    public void sync() throws IOException {
        ch.force(false);
    }

    /** Gives back blocks reserved past the file's end, then closes the file. */
    @Override
    public void close() throws IOException {
        receiver.close();
        try {
            space.close(ch.size());
        } finally {
            space.close();
            ch.close();
        }
    }

    /** Hashes the overlap part of {@code slice} and advances past it; returns bytes left in the slice. */
    private int verify(ByteBuffer slice) throws ResumeMismatchException {
        long need = resumedFrom.committed() - streamPos;
        int n = (int) Math.min(need, slice.remaining());
        byte[] bytes = new byte[n];
        slice.duplicate().get(bytes);
        overlapHash.update(bytes, 0, n);
        window.after(ByteBuffer.wrap(bytes), streamPos, resumedFrom.committed());
        streamPos += n;
        slice.position(slice.position() + n);
        if (streamPos == resumedFrom.committed()) {
            long got = overlapHash.getValue();
            overlapHash = null;
            if (got != resumedFrom.hash()) {
                mismatched = true;
                throw new ResumeMismatchException("resumed stream does not match the committed one: bytes "
                        + resumedFrom.from() + ".." + resumedFrom.committed() + " hash " + String.format("%016x", got)
                        + ", expected " + resumedFrom.hashHex());
            }
        }
        return slice.remaining();
    }

    private static UploadWriter opened(Path file, FileChannel ch, DecoderLimits limits, ContentKind kind,
                                       ResumePoint from, LongSupplier reservable) throws IOException {
        FileSpaceReserver space = FileSpaceReserver.open(file, reservable);
        try {
            return new UploadWriter(ch, space, limits, kind, from);
        } catch (IOException | RuntimeException e) {
            space.close();
            ch.close();
            throw e;
        }
    }

    private static FileChannel open(Path file, boolean truncate) throws IOException {
        return truncate
                ? FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING), PrivateFiles.FILE)
                : FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }
}
