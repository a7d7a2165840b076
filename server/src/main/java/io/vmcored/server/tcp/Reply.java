package io.vmcored.server.tcp;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import java.nio.charset.StandardCharsets;
import java.util.Map;

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

    /** Writes the line and closes the connection (the reply is always the last thing sent). */
    void sendAndClose(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive()) {
            return;
        }
        ctx.writeAndFlush(Unpooled.copiedBuffer(text(), StandardCharsets.US_ASCII))
                .addListener(ChannelFutureListener.CLOSE);
    }
}
