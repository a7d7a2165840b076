package io.vmcored.server.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.vmcored.server.catalog.Transport;
import io.vmcored.server.ingest.IngestService;
import io.vmcored.server.ingest.RefusedException;
import io.vmcored.server.ingest.UploadPump;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One ingest connection after its preamble: a bare stream (filed under the peer address) or a
 * handshake request (HELLO / PUT / END, see {@link HandshakeRequest}). Translates between the
 * wire and the {@link IngestService}; runs on the event loop, and everything blocking goes
 * through the service or its {@link UploadPump}.
 */
final class IngestSession extends ChannelInboundHandlerAdapter {

    /** A bare stream has no length: after its end marker, this much silence ends it. */
    private static final long BARE_END_QUIET_MILLIS = 500;

    private final IngestService ingest;
    private final Duration idleTimeout;
    private final HandshakeRequest req;
    private final String peer;
    private final EndMarkerWatch endWatch;
    private UploadPump pump;
    private boolean ended;
    private long offered;

    private IngestSession(IngestService ingest, Duration idleTimeout, HandshakeRequest req, String peer) {
        this.ingest = ingest;
        this.idleTimeout = idleTimeout;
        this.req = req;
        this.peer = peer;
        this.endWatch = req == null ? new EndMarkerWatch() : null;
    }

    static IngestSession bare(IngestService ingest, Duration idleTimeout, String peer) {
        return new IngestSession(ingest, idleTimeout, null, peer);
    }

    static IngestSession handshake(IngestService ingest, Duration idleTimeout, HandshakeRequest req) {
        return new IngestSession(ingest, idleTimeout, req, req.host());
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (req == null) {
            pump = ingest.openBare(peer, ctx.channel(), t -> finish(ctx, UploadPump.message(t)));
            return;
        }
        switch (req.verb()) {
            case "HELLO" -> answer(ctx, ingest.status(Transport.TCP, req.upload(peerAddress(ctx))), Reply::status);
            case "END" -> answer(ctx, ingest.endDump(Transport.TCP, req.host(), req.dumpId(), req.token(),
                    peerAddress(ctx)), Reply::end);
            default -> pump = ingest.open(Transport.TCP, req.upload(peerAddress(ctx)), ctx.channel(),
                    t -> finish(ctx, UploadPump.message(t)));
        }
    }

    /** A one-line exchange: the answer (or the refusal) is sent once the service has it. */
    private <T> void answer(ChannelHandlerContext ctx, CompletableFuture<T> answer, Function<T, Reply> words) {
        ended = true;
        ctx.channel().config().setAutoRead(false);
        answer.whenComplete((value, err) -> ctx.executor().execute(() -> {
            Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
            if (cause == null) {
                words.apply(value).sendAndClose(ctx);
            } else {
                // the sender may still be writing (a PUT's body after a refused line): let it read the answer
                (cause instanceof RefusedException refused ? Reply.refused(refused)
                        : Reply.failed(UploadPump.message(cause))).sendAndDrain(ctx);
            }
        }));
    }

    private static String peerAddress(ChannelHandlerContext ctx) {
        return PreambleDecoder.peerHost(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (pump == null || ended || !(msg instanceof ByteBuf buf)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        offered += buf.readableBytes();
        boolean endSeen = endWatch != null && endWatch.update(buf);
        pump.offer(buf);
        if (endSeen) {
            long seen = offered;
            pump.whenDrained(() -> {
                if (pump.committed() == seen) {
                    ctx.executor().schedule(() -> {
                        if (offered == seen) {
                            finish(ctx, null);
                        }
                    }, BARE_END_QUIET_MILLIS, TimeUnit.MILLISECONDS);
                }
            });
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            if (ended) {
                ctx.close();
                return;
            }
            finish(ctx, null);
        } else if (evt instanceof IdleStateEvent && ctx.channel().config().isAutoRead()) {
            finish(ctx, "no data for " + idleTimeout.toSeconds() + "s (idle timeout)");
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        finish(ctx, "connection closed before the end of the stream");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        finish(ctx, "connection lost: " + UploadPump.message(cause));
    }

    private void finish(ChannelHandlerContext ctx, String problem) {
        if (ended || pump == null) {
            return;
        }
        ended = true;
        ctx.channel().config().setAutoRead(false);
        pump.end(problem).thenAccept(result -> ctx.executor().execute(() -> {
            if (req == null) {
                ctx.close(); // a bare sender reads nothing
            } else {
                Reply.result(result).sendAndDrain(ctx);
            }
        }));
    }
}
