package io.vmcored.server.cli;

import io.vmcored.protocol.rearrange.ContentKind;
import io.vmcored.server.storage.WrappedStreams;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Standard input as a sequence of buffers, unwrapped when it is gzip/bzip2/xz/lz4.
 *
 * <p>A file or pipe is read into a few direct buffers in turn; a wrapped stream goes through
 * its decompressor. A buffer handed out comes back with {@link #release} (the rearranger
 * writes straight from it, on its writer thread), so reading waits when all are in use.
 * Why not map a file on stdin (which vmcored did until 2026-11-30): faulting in the mapping
 * and tearing it down at exit (~85 ms for 2 GB, after the dump is written) cost more than
 * the kernel's copy into reused buffers, once the writes got cheap (docs/performance.md,
 * "write size and preallocation").
 */
final class StdinStream implements AutoCloseable {

    private static final int READ_BUFFER = 2 << 20;
    /** Enough for one being read, one being decoded, and two being written. */
    private static final int BUFFERS = 4;

    private final ReadableByteChannel ch;
    private final ContentKind kind;
    private final BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(BUFFERS);
    private ByteBuffer pending;

    /** {@code first} holds already-read input (flipped), handed out before reading more. */
    private StdinStream(ReadableByteChannel ch, ContentKind kind, ByteBuffer first) {
        this.ch = ch;
        this.kind = kind;
        if (first.hasRemaining()) {
            pending = first;
        } else {
            free.add(first);
        }
        for (int i = 1; i < BUFFERS; i++) { // first is one of them
            free.add(ByteBuffer.allocateDirect(READ_BUFFER));
        }
    }

    static StdinStream open() throws IOException {
        FileChannel stdin = new FileInputStream(FileDescriptor.in).getChannel();
        // The first read decides; its bytes are handed on either way.
        ByteBuffer first = ByteBuffer.allocateDirect(READ_BUFFER);
        fill(stdin, first);
        first.flip();
        ContentKind kind = ContentKind.sniff(first);
        if (!kind.isWrapped()) {
            return new StdinStream(stdin, kind, first);
        }
        byte[] head = new byte[first.remaining()];
        first.get(head);
        InputStream in = new BufferedInputStream(new SequenceInputStream(
                new ByteArrayInputStream(head), new FileInputStream(FileDescriptor.in)), 1 << 16);
        // (a FileInputStream, not the channel: decompressors call available(), which seeks on a channel)
        InputStream unwrapped = WrappedStreams.open(kind, in, WrappedStreams.NO_MEMORY_LIMIT);
        return new StdinStream(Channels.newChannel(unwrapped), kind, first.clear().flip());
    }

    /**
     * Next chunk of input, or null at EOF. It stays the caller's until {@link #release}d; waits
     * while every buffer is out.
     */
    ByteBuffer next() throws IOException {
        ByteBuffer b = pending;
        pending = null;
        if (b == null) {
            try {
                b = free.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the dump writer");
            }
            b.clear();
            fill(ch, b);
            b.flip();
        }
        if (!b.hasRemaining()) {
            free.add(b);
            return null;
        }
        return b;
    }

    /** Gives back a buffer {@link #next} handed out (from any thread). */
    void release(ByteBuffer b) {
        free.add(b);
    }

    /** What the first bytes said (FLATTENED, or the wrapper that was removed, or anything else). */
    ContentKind wrapper() {
        return kind;
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }

    private static void fill(ReadableByteChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining() && ch.read(buf) >= 0) {
            // read until full or EOF: fewer, larger positional writes downstream
        }
    }
}
