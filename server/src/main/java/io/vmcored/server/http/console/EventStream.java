package io.vmcored.server.http.console;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * One client of {@code GET /api/v1/events}: frames wait in a bounded queue and are written on
 * the connection's own event loop while the socket takes them. Whoever publishes never waits:
 * a client that stops reading fills its queue and is disconnected (its browser reconnects and
 * starts from a fresh snapshot), so one slow tab holds at most {@value #MAX_QUEUED} frames.
 */
public final class EventStream {

    static final int MAX_QUEUED = 256;

    private final Channel channel;
    private final ArrayDeque<String> queue = new ArrayDeque<>();
    private boolean scheduled;
    private boolean closed;

    EventStream(Channel channel) {
        this.channel = channel;
    }

    /** Any thread: queues one frame, or ends a client that is this far behind. */
    void offer(String frame) {
        synchronized (this) {
            if (closed) {
                return;
            }
            if (queue.size() >= MAX_QUEUED) {
                closed = true;
                queue.clear();
                channel.close();
                return;
            }
            queue.add(frame);
            if (scheduled) {
                return;
            }
            scheduled = true;
        }
        channel.eventLoop().execute(this::drain);
    }

    /** Event loop: the socket takes more again. */
    public void writable() {
        synchronized (this) {
            if (scheduled || queue.isEmpty()) {
                return;
            }
            scheduled = true;
        }
        drain();
    }

    boolean closed() {
        synchronized (this) {
            return closed || !channel.isActive();
        }
    }

    void close() {
        synchronized (this) {
            closed = true;
            queue.clear();
        }
        channel.close();
    }

    /** Event loop: writes what is queued while the socket is writable; the rest waits for {@link #writable()}. */
    private void drain() {
        boolean wrote = false;
        try {
            while (channel.isWritable()) {
                String frame;
                synchronized (this) {
                    frame = queue.poll();
                    if (frame == null) {
                        break;
                    }
                }
                channel.write(new DefaultHttpContent(Unpooled.copiedBuffer(frame, StandardCharsets.UTF_8)));
                wrote = true;
            }
        } finally {
            synchronized (this) {
                scheduled = false;
            }
            if (wrote) {
                channel.flush();
            }
        }
    }
}
