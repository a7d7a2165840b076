package io.vmcored.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vmcored.server.catalog.Transport;
import io.vmcored.server.ingest.IngestService;
import io.vmcored.server.ingest.SenderOptions;
import io.vmcored.server.ingest.UploadPump;
import io.vmcored.server.ingest.UploadRequest;
import io.vmcored.server.net.Drain;
import java.util.Optional;

/**
 * {@code PUT /api/v1/dumps/{host}[?dump=ID][&file=F][&offset=N]}: the body (chunked or not)
 * is the stream; {@code offset} resumes like the TCP handshake (it must equal the
 * {@code offset} a HEAD/GET returned). The answer is the ingest service's result
 * ({@link HttpAnswers#result}); an answer before the body's end drains the rest.
 */
final class HttpUpload {

    private final UploadPump pump;
    private boolean ended;
    private boolean bodyDone;
    private boolean draining;

    private HttpUpload(HttpApi api, ChannelHandlerContext ctx, Transport transport, UploadRequest request, long length) {
        this.pump = api.ingest().open(transport, request, ctx.channel(), t -> end(ctx, UploadPump.message(t)));
        if (length >= 0) {
            pump.expect(request.offset() + length);
        }
    }

    /** Opens the upload of {@code host}'s file that {@code q} names; a refusal ends it at once, answered. */
    static HttpUpload start(HttpApi api, ChannelHandlerContext ctx, HttpRequest req, String host, QueryStringDecoder q) {
        return new HttpUpload(api, ctx, Transport.HTTP, request(req, host, q, Peers.of(ctx)),
                HttpUtil.getContentLength(req, -1L));
    }

    /** The query in the ingest service's terms (upload status, PUT). */
    static UploadRequest request(HttpRequest req, String host, QueryStringDecoder q, String peer) {
        String file = UploadRequest.checkFile(
                Optional.ofNullable(DumpQueries.param(q, "file")).orElse(IngestService.MAIN_FILE));
        return new UploadRequest(host, DumpQueries.param(q, "dump"), file, parseOffset(DumpQueries.param(q, "offset")),
                Auth.token(req), SenderOptions.from(k -> DumpQueries.param(q, k)), peer);
    }

    /** Event loop: one body chunk; ownership of {@code buf} passes to the pump. */
    void content(ByteBuf buf) {
        if (ended) {
            buf.release();
            return;
        }
        pump.offer(buf);
    }

    void last(ChannelHandlerContext ctx) {
        bodyDone = true;
        if (draining) {
            ctx.close();
            return;
        }
        end(ctx, null);
    }

    void abort(ChannelHandlerContext ctx, String problem) {
        end(ctx, problem);
    }

    private void end(ChannelHandlerContext ctx, String problem) {
        if (ended) {
            return;
        }
        ended = true;
        ctx.channel().config().setAutoRead(false);
        pump.end(problem).thenAccept(result -> ctx.executor().execute(() -> {
            if (bodyDone || !ctx.channel().isActive()) {
                Responses.send(ctx, HttpAnswers.result(result));
                return;
            }
            draining = true;
            ctx.writeAndFlush(HttpAnswers.result(result));
            Drain.start(ctx);
        }));
    }

    private static long parseOffset(String s) {
        if (s == null) {
            return 0;
        }
        try {
            long v = Long.parseLong(s);
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("offset \"" + s + "\": expected a byte count >= 0");
    }
}
