package io.vmcored.server.net;

import io.netty.channel.ChannelHandlerContext;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * After an answer that ends an upload early: keep reading (and dropping) what the sender still
 * sends, until its end or {@link #LIMIT}, then close. Closing with unread input resets the
 * connection, and a sender still writing (busybox nc, curl) would never read the answer.
 * The handler drops what it reads meanwhile and closes at the sender's end.
 */
public final class Drain {

    /** The longest a connection is kept open to be drained. */
    public static final Duration LIMIT = Duration.ofSeconds(10);

    private Drain() {
    }

    /** Reads on, and closes the connection after {@link #LIMIT} at the latest. Event loop only. */
    public static void start(ChannelHandlerContext ctx) {
        ctx.channel().config().setAutoRead(true);
        ctx.read();
        ctx.executor().schedule(() -> ctx.close(), LIMIT.toMillis(), TimeUnit.MILLISECONDS);
    }
}
