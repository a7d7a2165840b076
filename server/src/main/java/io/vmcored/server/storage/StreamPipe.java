package io.vmcored.server.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;

/**
 * Hands the chunks of an upload, one at a time, from the thread that receives them to a
 * decompressor reading them as an {@link InputStream} on its own thread.
 *
 * <pre>
 *   receiving thread            pipe (one chunk)            decompressor thread
 *   offer(chunk) ----------&gt;  [ chunk | taken ] ----------&gt;  read(b, off, len)
 *        waits until the decompressor copied all of it (or ended)
 * </pre>
 *
 * <p>No queue: {@link #offer} returns once the chunk was copied out, so the pipe holds at most
 * the one chunk its caller still owns, and a slow decompressor holds up the sender (the
 * transports' backpressure) instead of filling memory. {@link #available()} waits for the next
 * chunk or the end: decoders ask it whether another gzip member or xz stream follows.
 */
final class StreamPipe extends InputStream {

    private ByteBuffer chunk;
    private boolean ended;
    private boolean readerGone;
    private boolean cancelled;
    private long taken;

    /** Receiving side: waits until the reader copied all of {@code b}; false if the reader had already ended. */
    synchronized boolean offer(ByteBuffer b) throws InterruptedIOException {
        if (readerGone || ended) {
            return false;
        }
        chunk = b;
        notifyAll();
        while (chunk != null && !readerGone) {
            waitHere("the decompressor to take a chunk");
        }
        chunk = null;
        return true;
    }

    /** Receiving side: no more chunks; the reader sees EOF once it has taken the last. */
    synchronized void end() {
        ended = true;
        notifyAll();
    }

    /** Receiving side: the upload is abandoned; the reader's next read fails. */
    synchronized void cancel() {
        cancelled = true;
        ended = true;
        notifyAll();
    }

    /** Reader side, once, when it stops reading for good (done or failed). */
    synchronized void readerGone() {
        readerGone = true;
        notifyAll();
    }

    /** Bytes the reader has taken so far. */
    synchronized long taken() {
        return taken;
    }

    @Override
    public synchronized int read() throws IOException {
        if (!awaitChunk()) {
            return -1;
        }
        int b = chunk.get() & 0xff;
        took(1);
        return b;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!awaitChunk()) {
            return -1;
        }
        int n = Math.min(len, chunk.remaining());
        chunk.get(b, off, n);
        took(n);
        return n;
    }

    @Override
    public synchronized int available() throws IOException {
        return awaitChunk() ? chunk.remaining() : 0;
    }

    private void took(int n) {
        taken += n;
        if (!chunk.hasRemaining()) {
            chunk = null;
            notifyAll(); // the offering thread may go on: its bytes were copied
        }
    }

    /** True once a chunk with bytes is here, false at the end. */
    private boolean awaitChunk() throws IOException {
        while (chunk == null || !chunk.hasRemaining()) {
            if (cancelled) {
                throw new InterruptedIOException("upload abandoned");
            }
            if (chunk != null) { // an empty chunk: nothing to take, let its sender go on
                chunk = null;
                notifyAll();
            }
            if (ended) {
                return false;
            }
            waitHere("the next chunk");
        }
        return true;
    }

    private void waitHere(String what) throws InterruptedIOException {
        try {
            wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for " + what);
        }
    }
}
