package io.vmcored.server.tcp;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import io.netty.channel.socket.SocketChannel;

/**
 * One reply line: {@code STATUS key=value ... message=free text\n}; values never contain
 * spaces, so {@code for w in $reply} in sh sees one word per field; the message comes last.
 */
final class Reply {

    private final StringBuilder line;

    private Reply(String status) {
        line = new StringBuilder(status);
    }

    static Reply of(String status) {
        return new Reply(status);
    }

    Reply put(String key, Object value) {
        if (value != null) {
            line.append(' ').append(key).append('=').append(value.toString().replace(' ', '_'));
        }
        return this;
    }

    Reply putAll(String prefix, Map<String, String> values) {
        values.forEach((k, v) -> put(prefix + k, v));
        return this;
    }

    Reply message(String text) {
        if (text != null) {
            line.append(" message=").append(text.replace('\n', ' '));
        }
        return this;
    }

    String text() {
        return line + "\n";
    }

    /**
     * Writes the line, half-closes, and discards what the sender still sends (until its EOF,
     * at most {@code lingerSeconds}): closing with unread input would reset the connection and
     * the sender (busybox nc, still writing) would never read the reply.
     */
    void sendAndDrain(ChannelHandlerContext ctx, long lingerSeconds) {
        if (!ctx.channel().isActive()) {
            return;
        }
        ctx.channel().config().setAutoRead(true);
        ctx.writeAndFlush(Unpooled.copiedBuffer(text(), StandardCharsets.US_ASCII)).addListener(f -> {
            if (ctx.channel() instanceof SocketChannel sc && sc.isActive() && !sc.isInputShutdown()) {
                sc.shutdownOutput();
                ctx.executor().schedule(() -> ctx.close(), lingerSeconds, TimeUnit.SECONDS);
            } else {
                ctx.close();
            }
        });
    }

    /** Writes the line and closes the connection (the reply is always the last thing sent). */
    void sendAndClose(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive()) {
            return;
        }
        ctx.writeAndFlush(Unpooled.copiedBuffer(text(), StandardCharsets.US_ASCII))
                .addListener(ChannelFutureListener.CLOSE);
    }
}
