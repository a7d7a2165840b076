package io.vmcored.server.storage;

import io.vmcored.protocol.flat.DecoderLimits;
import io.vmcored.protocol.rearrange.ContentKind;
import io.vmcored.protocol.rearrange.SpaceReserver;
import io.vmcored.protocol.rearrange.StreamReceiver;
import io.vmcored.protocol.rearrange.StreamReceiver.Outcome;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link StreamReceiver} that first takes off a compressor's wrapper: Debian's kdump-tools
 * with {@code KDUMP_COMPRESSION=gzip|bzip2|xz|lz4} sends {@code makedumpfile -F | gzip -c}.
 * The first {@link ContentKind#SNIFF_BYTES} decide (magic bytes, never the name); any other
 * stream goes straight to the receiver.
 *
 * <pre>
 *   fed (wrapped) bytes --&gt; StreamPipe --&gt; decompressor (WrappedStreams) --&gt; StreamReceiver
 *   receiving thread          one chunk      this upload's unwrap thread       sniff, rearrange, write
 * </pre>
 *
 * <p>The decompressors pull their input, so each wrapped upload gets one thread of its own
 * that decodes and writes; the receiving thread (the file executor or an SSH worker, never an
 * event loop) only hands it one chunk at a time and waits while it is behind, which is the
 * transports' backpressure as for a slow disk. Memory per upload: one read buffer, the
 * decoder's state (xz limited to {@link #XZ_MEMORY_KIB}), one chunk of output.
 *
 * <p>Expansion is bounded: more than {@link #MAX_EXPANSION} times the compressed bytes plus
 * {@link #EXPANSION_ALLOWANCE} ends the upload as invalid (a makedumpfile stream, already
 * compressed page by page, barely shrinks further; a stream that grows a thousandfold is a
 * decompression bomb). A wrapped upload cannot be resumed: the decoder's state is not
 * stored, so its committed point stays 0 and a sender starts over.
 */
public final class UnwrappingReceiver {

    /** Output may be at most this many times the compressed input (plus the allowance). */
    public static final long MAX_EXPANSION = 1024;
    public static final long EXPANSION_ALLOWANCE = 256L << 20;
    /** xz presets up to -7 (xz's default is -6: 9 MiB). */
    public static final int XZ_MEMORY_KIB = 20 << 10;

    private static final int OUTPUT_CHUNK = 1 << 20;
    private static final int INPUT_BUFFER = 1 << 16;
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final StreamReceiver inner;
    private final long maxExpansion;
    private final long allowance;
    private final ByteBuffer head = ByteBuffer.allocate(ContentKind.SNIFF_BYTES);
    private boolean decided;
    private ContentKind wrapper;
    private StreamPipe pipe;
    private Thread thread;
    private volatile Throwable failure;
    private long wrappedBytes;

    private UnwrappingReceiver(StreamReceiver inner, boolean decided, long maxExpansion, long allowance) {
        this.inner = inner;
        this.decided = decided;
        this.maxExpansion = maxExpansion;
        this.allowance = allowance;
    }

    /** A new upload into {@code out}: unwrapped if it is wrapped, then stored as {@link StreamReceiver} does. */
    public static UnwrappingReceiver fresh(FileChannel out, DecoderLimits limits, SpaceReserver reserver) {
        return withLimits(new StreamReceiver(out, limits, reserver), MAX_EXPANSION, EXPANSION_ALLOWANCE);
    }

    /** A resumed upload: never wrapped (a wrapped one commits nothing to resume from). */
    public static UnwrappingReceiver resuming(StreamReceiver resumed) {
        return new UnwrappingReceiver(resumed, true, MAX_EXPANSION, EXPANSION_ALLOWANCE);
    }

    /** {@link #fresh} with other expansion limits (tests). */
    static UnwrappingReceiver withLimits(StreamReceiver inner, long maxExpansion, long allowance) {
        return new UnwrappingReceiver(inner, false, maxExpansion, allowance);
    }

    public void feed(ByteBuffer in) throws IOException {
        wrappedBytes += in.remaining();
        if (!decided) {
            int n = Math.min(in.remaining(), head.remaining());
            head.put(in.slice().limit(n));
            in.position(in.position() + n);
            if (head.hasRemaining()) {
                return;
            }
            decide();
        }
        if (pipe == null) {
            inner.feed(in);
        } else {
            offer(in);
        }
    }

    /** End of input: the rest is decoded, then the receiver completes (or marks incomplete). */
    public Outcome finish() throws IOException {
        if (!decided) {
            decide();
        }
        if (pipe == null) {
            return inner.finish();
        }
        pipe.end();
        join();
        Throwable t = failure;
        return counted(t == null ? inner.finish() : inner.abort(message(t)));
    }

    /** The stream broke: what was decoded so far is kept, marked incomplete. */
    public Outcome abort(String problem) throws IOException {
        if (!decided) {
            decide();
        }
        if (pipe == null) {
            return inner.abort(problem);
        }
        pipe.cancel();
        join();
        return counted(inner.abort(problem));
    }

    /** Stops an unwrap thread that was neither finished nor aborted (the upload's file is closing). */
    public void close() {
        if (pipe != null) {
            pipe.cancel();
        }
    }

    /**
     * What the content is: the inner stream's kind once it has ended; while a wrapped stream
     * is being decoded, its wrapper; null until the first bytes were sniffed.
     */
    public ContentKind kind() {
        if (!decided) {
            return null;
        }
        return pipe != null && thread.isAlive() ? wrapper : inner.kind();
    }

    /** The compressor the stream came wrapped in, or null (not wrapped, or not yet known). */
    public ContentKind wrapper() {
        return wrapper;
    }

    /** Stream bytes safely stored at a point a sender could resume from; always 0 for a wrapped stream. */
    public long committedStreamBytes() {
        return pipe != null || !decided ? 0 : inner.committedStreamBytes();
    }

    private void decide() throws IOException {
        decided = true;
        head.flip();
        ContentKind kind = ContentKind.sniff(head);
        if (!kind.isWrapped()) {
            inner.feed(head);
            return;
        }
        wrapper = kind;
        pipe = new StreamPipe();
        thread = new Thread(this::decode, "vmcored-unwrap-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        thread.start();
        offer(head);
    }

    private void offer(ByteBuffer in) throws IOException {
        rethrow();
        if (!pipe.offer(in)) {
            in.position(in.limit()); // after the end of the compressed stream: ignored, as gzip -d does
        }
        rethrow();
    }

    /** The unwrap thread: decode until the end, or keep the failure for the receiving thread. */
    private void decode() {
        try {
            InputStream un;
            try {
                un = WrappedStreams.open(wrapper, new BufferedInputStream(pipe, INPUT_BUFFER), XZ_MEMORY_KIB);
            } catch (IOException | RuntimeException e) {
                throw damaged(e);
            }
            try (un) {
                byte[] buf = new byte[OUTPUT_CHUNK];
                long out = 0;
                boolean more = true;
                while (more) {
                    int n = 0;
                    Exception broke = null;
                    while (n < buf.length) { // fill the chunk: fewer, larger writes downstream
                        int r;
                        try {
                            r = un.read(buf, n, buf.length - n);
                        } catch (IOException | RuntimeException e) {
                            broke = e;
                            break;
                        }
                        if (r < 0) {
                            more = false;
                            break;
                        }
                        n += r;
                    }
                    out += n;
                    long in = pipe.taken();
                    if (out > maxExpansion * in + allowance) {
                        throw new UnwrapException(WrappedStreams.toolName(wrapper) + " stream expands beyond "
                                + maxExpansion + " times its size (" + out + " bytes from " + in
                                + "): refused as a decompression bomb", in);
                    }
                    if (n > 0) {
                        inner.feed(ByteBuffer.wrap(buf, 0, n)); // its failures (bad record, disk full) stay as they are
                    }
                    if (broke != null) {
                        throw damaged(broke); // after keeping what was decoded before the damage
                    }
                }
            }
        } catch (Throwable t) {
            failure = t;
        } finally {
            pipe.readerGone();
        }
    }

    private UnwrapException damaged(Exception e) {
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new UnwrapException(WrappedStreams.toolName(wrapper) + " stream is damaged or cut short after "
                + pipe.taken() + " compressed bytes: " + why, pipe.taken());
    }

    private void join() throws InterruptedIOException {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pipe.cancel();
            throw new InterruptedIOException("interrupted while the " + WrappedStreams.toolName(wrapper)
                    + " stream was being decoded");
        }
    }

    /** A failure of the unwrap thread, raised on the receiving thread. */
    private void rethrow() throws IOException {
        Throwable t = failure;
        if (t instanceof IOException e) {
            throw e;
        }
        if (t != null) {
            throw new IOException(message(t), t);
        }
    }

    private static String message(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private Outcome counted(Outcome o) {
        return new Outcome(o.kind(), o.complete(), wrappedBytes, o.fileSize(), o.marked(), o.problem());
    }
}
