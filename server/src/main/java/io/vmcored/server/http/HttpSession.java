package io.vmcored.server.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.vmcored.server.catalog.DumpRecord;
import io.vmcored.server.catalog.Manifest;
import io.vmcored.server.ingest.RefusedException;
import io.vmcored.server.ingest.UploadPump;
import io.vmcored.server.storage.SpoolLayout;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * One HTTP connection: routes a request (docs/server.md, "HTTP API"), streams a PUT body
 * into an {@link HttpUpload}, answers reads from the catalog. One request per connection.
 */
final class HttpSession extends ChannelInboundHandlerAdapter {

    private static final String API = "/api/v1/dumps";

    private final HttpApi api;
    private HttpUpload upload;
    private boolean discarding;

    HttpSession(HttpApi api) {
        this.api = api;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest req) {
            if (!req.decoderResult().isSuccess()) {
                discarding = true;
                ReferenceCountUtil.release(msg);
                reply(ctx, Responses.error(HttpResponseStatus.BAD_REQUEST, "bad_request", "malformed HTTP request"));
                return;
            }
            route(ctx, req);
        }
        if (msg instanceof HttpContent content && upload != null && !discarding) {
            upload.content(content.content());
            if (msg instanceof LastHttpContent) {
                upload.last(ctx);
            }
            return;
        }
        ReferenceCountUtil.release(msg);
    }

    private void route(ChannelHandlerContext ctx, HttpRequest req) {
        QueryStringDecoder q = new QueryStringDecoder(req.uri());
        String path = q.path();
        HttpMethod method = req.method();
        try {
            if (path.equals("/healthz")) {
                reply(ctx, Responses.text(HttpResponseStatus.OK, "ok\n", "text/plain"));
            } else if (path.equals("/metrics")) {
                reply(ctx, Responses.text(HttpResponseStatus.OK, api.registry().scrape(),
                        "text/plain; version=0.0.4; charset=utf-8"));
            } else if (path.equals(API) && method.equals(HttpMethod.GET)) {
                if (authorizedReader(ctx, req)) {
                    reply(ctx, Responses.json(HttpResponseStatus.OK, DumpQueries.list(api.catalog(), q)));
                }
            } else if (path.equals("/api/v1/signatures") && method.equals(HttpMethod.GET)) {
                if (authorizedReader(ctx, req)) {
                    reply(ctx, Responses.json(HttpResponseStatus.OK, api.crash().signatures()));
                }
            } else if (path.startsWith(API + "/")) {
                dumpRoute(ctx, req, q, path.substring(API.length() + 1).split("/", -1));
            } else {
                reply(ctx, Responses.error(HttpResponseStatus.NOT_FOUND, "not_found", "no resource " + path));
            }
        } catch (IllegalArgumentException e) {
            discarding = true;
            reply(ctx, Responses.error(HttpResponseStatus.BAD_REQUEST, "bad_request", e.getMessage()));
        }
    }

    private void dumpRoute(ChannelHandlerContext ctx, HttpRequest req, QueryStringDecoder q, String[] parts) {
        HttpMethod method = req.method();
        String first = QueryStringDecoder.decodeComponent(parts[0]);
        boolean isId = first.contains("@");
        if (!isId && parts.length == 1 && method.equals(HttpMethod.PUT)) {
            upload = HttpUpload.start(api, ctx, req, SpoolLayout.checkHost(first), q);
            return;
        }
        if (!isId && parts.length == 1 && (method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD))) {
            boolean head = method.equals(HttpMethod.HEAD);
            answer(ctx, api.ingest().status(HttpUpload.request(req, SpoolLayout.checkHost(first), q)),
                    s -> head ? withoutBody(HttpAnswers.status(s)) : HttpAnswers.status(s));
            return;
        }
        if (!isId && parts.length == 2 && parts[1].equals("end") && method.equals(HttpMethod.POST)) {
            answer(ctx, api.ingest().endDump(SpoolLayout.checkHost(first), DumpQueries.param(q, "dump"), Auth.token(req)),
                    HttpAnswers::end);
            return;
        }
        if (!authorizedReader(ctx, req)) {
            return;
        }
        Optional<DumpRecord> rec = api.catalog().get(first);
        if (rec.isEmpty() || !method.equals(HttpMethod.GET)) {
            reply(ctx, Responses.error(HttpResponseStatus.NOT_FOUND, "not_found", "no dump " + first));
        } else if (parts.length == 1) {
            answer(ctx, readManifest(rec.get()), m -> Responses.json(HttpResponseStatus.OK, m));
        } else if (parts.length == 2 && parts[1].equals("vmcore")) {
            String dumpFile = rec.get().summary().dumpFile();
            if (dumpFile == null) {
                reply(ctx, Responses.error(HttpResponseStatus.NOT_FOUND, "not_found", "dump " + first + " has no dump file"));
                return;
            }
            String range = req.headers().get(HttpHeaderNames.RANGE);
            api.files().execute(() -> {
                try {
                    Download.send(ctx, rec.get().fileFor(dumpFile), range, api.files());
                } catch (Exception e) {
                    reply(ctx, Responses.error(HttpResponseStatus.NOT_FOUND, "not_found",
                            "dump " + first + ": its file cannot be read"));
                }
            });
        } else {
            reply(ctx, Responses.error(HttpResponseStatus.NOT_FOUND, "not_found", "no resource " + req.uri()));
        }
    }

    /** A finished dump's manifest is on disk: read it on a file thread. */
    private CompletableFuture<Manifest> readManifest(DumpRecord r) {
        return CompletableFuture.supplyAsync(r::snapshot, api.files());
    }

    /** Sends the answer once the service has it; a refusal in the service's terms, a failure as a 404 or 500. */
    private <T> void answer(ChannelHandlerContext ctx, CompletableFuture<T> answer, Function<T, FullHttpResponse> words) {
        answer.whenComplete((value, err) -> {
            Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
            reply(ctx, cause == null ? words.apply(value)
                    : cause instanceof RefusedException refused ? HttpAnswers.refused(refused)
                    : cause instanceof UncheckedIOException gone
                            ? Responses.error(HttpResponseStatus.NOT_FOUND, "not_found", gone.getMessage())
                    : Responses.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "storage", UploadPump.message(cause)));
        });
    }

    private static FullHttpResponse withoutBody(FullHttpResponse r) {
        HttpUtil.setContentLength(r, r.content().readableBytes());
        r.content().clear();
        return r;
    }

    private boolean authorizedReader(ChannelHandlerContext ctx, HttpRequest req) {
        if (api.access().mayRead(Auth.token(req))) {
            return true;
        }
        reply(ctx, Responses.error(HttpResponseStatus.UNAUTHORIZED, "unauthorized",
                "reading dumps needs the operator token (Authorization: Bearer ...)"));
        return false;
    }

    void reply(ChannelHandlerContext ctx, FullHttpResponse r) {
        if (ctx.executor().inEventLoop()) {
            Responses.send(ctx, r);
        } else {
            ctx.executor().execute(() -> Responses.send(ctx, r));
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && ctx.channel().config().isAutoRead()) {
            if (upload != null) {
                upload.abort(ctx, "no data for " + api.idleTimeout().toSeconds() + "s (idle timeout)");
            } else {
                ctx.close();
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (upload != null) {
            upload.abort(ctx, "connection closed before the end of the body");
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (upload != null) {
            upload.abort(ctx, "connection lost: " + UploadPump.message(cause));
        }
        ctx.close();
    }
}
