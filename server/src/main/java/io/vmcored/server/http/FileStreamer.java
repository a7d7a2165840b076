package io.vmcored.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.Future;
import java.io.EOFException;
import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Sends a range of a file as an HTTP response body, then closes the connection, without
 * touching the file on the event loop: a file thread reads it in 256 KiB chunks and writes
 * them, at most {@link #AHEAD} beyond what the socket has taken; each finished write lets
 * the next chunk be read. Why not Netty's FileRegion or ChunkedNioFile: both read the file
 * on the event loop, where a multi-GB dump no longer in the page cache would stall every
 * upload sharing that loop.
 */
final class FileStreamer {

    static final int CHUNK = 256 << 10;
    static final int AHEAD = 2;

    private final ChannelHandlerContext ctx;
    private final ChunkSource file;
    private final Executor files;
    private final long end;
    /** Read by one pump at a time (the {@code pumping} flag), on file threads. */
    private long position;
    private int inFlight;     // guarded by this
    private boolean pumping;  // guarded by this
    private boolean stopped;  // guarded by this

    private FileStreamer(ChannelHandlerContext ctx, ChunkSource file, long start, long length, Executor files) {
        this.ctx = ctx;
        this.file = file;
        this.files = files;
        this.position = start;
        this.end = start + length;
    }

    /** Streams {@code [start, start + length)} of {@code file} (which it closes) after what was written so far. */
    static void stream(ChannelHandlerContext ctx, ChunkSource file, long start, long length, Executor files) {
        if (length == 0) {
            closeQuietly(file);
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        new FileStreamer(ctx, file, start, length, files).schedule();
    }

    private void schedule() {
        synchronized (this) {
            if (pumping || stopped) {
                return;
            }
            pumping = true;
        }
        try {
            files.execute(this::pump);
        } catch (RejectedExecutionException e) {
            stop();
        }
    }

    private void pump() {
        try {
            while (true) {
                synchronized (this) {
                    if (stopped || inFlight >= AHEAD || position >= end) {
                        pumping = false;
                        return;
                    }
                    inFlight++;
                }
                int n = (int) Math.min(CHUNK, end - position);
                ByteBuf buf = ctx.alloc().directBuffer(n);
                try {
                    for (int got = 0; got < n; ) {
                        int r = file.read(buf, position + got, n - got);
                        if (r < 0) {
                            throw new EOFException("the dump file ended at " + (position + got) + " while being sent");
                        }
                        got += r;
                    }
                } catch (IOException | RuntimeException e) {
                    buf.release();
                    throw e;
                }
                position += n;
                if (position >= end) {
                    closeQuietly(file);
                    ctx.writeAndFlush(new DefaultLastHttpContent(buf)).addListener(ChannelFutureListener.CLOSE);
                    synchronized (this) {
                        stopped = true;
                        pumping = false;
                    }
                    return;
                }
                HttpContent chunk = new DefaultHttpContent(buf);
                ctx.writeAndFlush(chunk).addListener(this::written);
            }
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                pumping = false;
            }
            stop(); // the response is already under way: all a reader can be told is a cut connection
        }
    }

    /** Event loop: a chunk reached the socket (or failed). */
    private void written(Future<? super Void> f) {
        if (!f.isSuccess()) {
            stop();
            return;
        }
        synchronized (this) {
            inFlight--;
        }
        schedule();
    }

    private void stop() {
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
        }
        ctx.close();
        try {
            files.execute(() -> closeQuietly(file));
        } catch (RejectedExecutionException e) {
            closeQuietly(file);
        }
    }

    private static void closeQuietly(ChunkSource file) {
        file.close();
    }
}
