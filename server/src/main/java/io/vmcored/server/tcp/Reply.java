package io.vmcored.server.tcp;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.SocketChannel;
import io.vmcored.server.ingest.DumpEnd;
import io.vmcored.server.ingest.RefusedException;
import io.vmcored.server.ingest.UploadResult;
import io.vmcored.server.ingest.UploadStatus;
import io.vmcored.server.net.Drain;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One reply line: {@code STATUS key=value ... message=free text\n}; values never contain
 * spaces, so {@code for w in $reply} in sh sees one word per field; the message comes last.
 * The static factories word the ingest service's answers (docs/protocol.md).
 */
final class Reply {

    private final StringBuilder line;

    private Reply(String status) {
        line = new StringBuilder(status);
    }

    static Reply of(String status) {
        return new Reply(status);
    }

    /** HELLO's answer. */
    static Reply status(UploadStatus s) {
        return of("OK").put("id", s.id() == null ? "-" : s.id()).put("state", s.state()).put("file", s.file())
                .put("file-state", s.fileState()).put("offset", s.offset()).put("committed", s.committed())
                .putAll("steer-", s.steer());
    }

    /** END's answer. */
    static Reply end(DumpEnd e) {
        return of("DONE").put("id", e.id()).put("state", e.state()).message(e.problem());
    }

    static Reply refused(RefusedException e) {
        return of("REFUSED").put("reason", e.reason().wire()).put("offset", e.offset()).putAll("", e.details())
                .message(e.getMessage());
    }

    /** A failure that is not a refusal: the server could not answer (storage, executor). */
    static Reply failed(String why) {
        return of("FAIL").put("reason", "storage").message(why);
    }

    /** PUT's final answer. */
    static Reply result(UploadResult r) {
        return switch (r.ending()) {
            case REFUSED -> of("REFUSED").put("reason", r.refusal().wire()).put("id", r.id()).put("offset", r.offset())
                    .message(r.message());
            case STORAGE -> failed(r.message());
            default -> of(r.ending() == UploadResult.Ending.COMPLETE ? "DONE" : "FAIL")
                    .put("reason", switch (r.ending()) {
                        case COMPLETE -> null;
                        case DISK_LOW -> "disk_low";
                        default -> "incomplete";
                    })
                    .put("id", r.id()).put("state", r.state()).put("file", r.file()).put("file-state", r.fileState())
                    .put("committed", r.committed()).put("offset", r.offset()).put("size", r.size())
                    .put("checksum", r.checksum()).message(r.message());
        };
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
     * Writes the line, half-closes, and drains what the sender still sends ({@link Drain}):
     * the sender (busybox nc, still writing) must read the reply.
     */
    void sendAndDrain(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive()) {
            return;
        }
        ctx.writeAndFlush(Unpooled.copiedBuffer(text(), StandardCharsets.US_ASCII)).addListener(f -> {
            if (ctx.channel() instanceof SocketChannel sc && sc.isActive() && !sc.isInputShutdown()) {
                sc.shutdownOutput();
                Drain.start(ctx);
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
