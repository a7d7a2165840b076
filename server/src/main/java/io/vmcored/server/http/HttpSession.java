package io.vmcored.server.http;

import io.netty.buffer.ByteBuf;
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
import io.vmcored.server.catalog.DumpState;
import io.vmcored.server.daemon.ServerContext;
import io.vmcored.server.ingest.UploadPump;
import io.vmcored.server.catalog.Manifest;
import io.vmcored.server.catalog.Manifest.FileEntry;
import io.vmcored.server.storage.ResumePoint;
import io.vmcored.server.storage.SpoolLayout;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP connection: routes a request (docs/server.md, "HTTP API"), streams a PUT body
 * into an {@link HttpUpload}, answers reads from the catalog. One request per connection.
 */
final class HttpSession extends ChannelInboundHandlerAdapter {

    private static final String API = "/api/v1/dumps";

    private final ServerContext server;
    private HttpUpload upload;
    private boolean discarding;
    private boolean closeAtLast;

    HttpSession(ServerContext server) {
        this.server = server;
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
        if (msg instanceof HttpContent content) {
            if (closeAtLast && msg instanceof LastHttpContent) {
                ReferenceCountUtil.release(msg);
                ctx.close();
                return;
            }
            if (upload != null && !discarding) {
                upload.content(ctx, content.content());
                if (msg instanceof LastHttpContent) {
                    upload.last(ctx);
                }
                return;
            }
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
                reply(ctx, Responses.text(HttpResponseStatus.OK, server.registry().scrape(),
                        "text/plain; version=0.0.4; charset=utf-8"));
            } else if (path.equals(API) && method.equals(HttpMethod.GET)) {
                if (authorizedReader(ctx, req)) {
                    reply(ctx, Responses.json(HttpResponseStatus.OK, DumpQueries.list(server.catalog(), q)));
                }
            } else if (path.equals("/api/v1/signatures") && method.equals(HttpMethod.GET)) {
                if (authorizedReader(ctx, req)) {
                    reply(ctx, Responses.json(HttpResponseStatus.OK, server.crash().signatures()));
                }
            } else if (path.startsWith(API + "/")) {
                dumpRoute(ctx, req, q, path.substring(API.length() + 1).split("/", -1));
            } else {
                reply(ctx, Responses.error(HttpResponseStatus.NOT_FOUND, "not_found", "no resource " + path));
            }
        } catch (IllegalArgumentException e) {
            reply(ctx, Responses.error(HttpResponseStatus.BAD_REQUEST, "bad_request", e.getMessage()));
        }
    }

    private void dumpRoute(ChannelHandlerContext ctx, HttpRequest req, QueryStringDecoder q, String[] parts) {
        HttpMethod method = req.method();
        String first = QueryStringDecoder.decodeComponent(parts[0]);
        boolean isId = first.contains("@");
        if (!isId && parts.length == 1 && method.equals(HttpMethod.PUT)) {
            String host = SpoolLayout.checkHost(first);
            upload = HttpUpload.start(server, ctx, req, host, q, (c, r) -> replyThenDrain(c, r));
            discarding = upload == null;
            return;
        }
        if (!isId && parts.length == 1 && (method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD))) {
            uploadStatus(ctx, req, SpoolLayout.checkHost(first), q);
            return;
        }
        if (!isId && parts.length == 2 && parts[1].equals("end") && method.equals(HttpMethod.POST)) {
            endDump(ctx, req, SpoolLayout.checkHost(first), q);
            return;
        }
        if (!authorizedReader(ctx, req)) {
            return;
        }
        Optional<DumpRecord> rec = server.catalog().get(first);
        if (rec.isEmpty() || !method.equals(HttpMethod.GET)) {
            reply(ctx, Responses.error(HttpResponseStatus.NOT_FOUND, "not_found", "no dump " + first));
        } else if (parts.length == 1) {
            reply(ctx, Responses.json(HttpResponseStatus.OK, rec.get().snapshot()));
        } else if (parts.length == 2 && parts[1].equals("vmcore")) {
            Manifest m = rec.get().snapshot();
            if (m.dumpFile == null) {
                reply(ctx, Responses.error(HttpResponseStatus.NOT_FOUND, "not_found", "dump " + first + " has no dump file"));
                return;
            }
            String range = req.headers().get(HttpHeaderNames.RANGE);
            server.fileExecutor().execute(() -> {
                try {
                    Download.send(ctx, rec.get().fileFor(m.dumpFile), range, server.fileExecutor());
                } catch (Exception e) {
                    reply(ctx, Responses.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "storage", e.getMessage()));
                }
            });
        } else {
            reply(ctx, Responses.error(HttpResponseStatus.NOT_FOUND, "not_found", "no resource " + req.uri()));
        }
    }

    /** HEAD/GET /api/v1/dumps/{host}?dump=ID[&amp;file=F]: where a resumed PUT must start. */
    private void uploadStatus(ChannelHandlerContext ctx, HttpRequest req, String host, QueryStringDecoder q) {
        if (!authorizedUploader(ctx, req, host)) {
            return;
        }
        String dump = DumpQueries.param(q, "dump");
        String file = Optional.ofNullable(DumpQueries.param(q, "file")).orElse(HttpUpload.MAIN_FILE);
        Optional<DumpRecord> rec = dump == null ? Optional.empty() : server.catalog().byClientId(host, dump);
        ResumePoint rp = rec.map(r -> r.resumePoint(file)).orElse(null);
        FileEntry entry = rec.map(r -> r.snapshot().files.get(file)).orElse(null);
        // a sender whose final answer was lost learns here that the file is already complete
        String fileState = entry == null ? "new" : entry.state.wire();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", rec.map(DumpRecord::id).orElse(null));
        body.put("state", rec.map(r -> r.state().wire()).orElse("new"));
        body.put("file", file);
        body.put("fileState", fileState);
        body.put("offset", rp == null ? 0 : rp.from());
        body.put("committed", rp == null ? 0 : rp.committed());
        body.put("steer", server.admission().steer(host));
        FullHttpResponse r = Responses.json(HttpResponseStatus.OK, body);
        r.headers().set("X-Vmcored-Offset", rp == null ? 0 : rp.from())
                .set("X-Vmcored-Committed", rp == null ? 0 : rp.committed())
                .set("X-Vmcored-File-State", fileState);
        if (req.method().equals(HttpMethod.HEAD)) {
            HttpUtil.setContentLength(r, r.content().readableBytes());
            r.content().clear();
        }
        reply(ctx, r);
    }

    /**
     * POST /api/v1/dumps/{host}/end?dump=ID: the sender has sent every file it will send (TCP's
     * END); the dump is complete if its dump file is, incomplete otherwise. Needed when the
     * server steered the sender to the kernel log only: no dump file ever arrives to end it.
     */
    private void endDump(ChannelHandlerContext ctx, HttpRequest req, String host, QueryStringDecoder q) {
        if (!authorizedUploader(ctx, req, host)) {
            return;
        }
        String dump = DumpQueries.param(q, "dump");
        Optional<DumpRecord> rec = dump == null ? Optional.empty() : server.catalog().byClientId(host, dump);
        if (rec.isEmpty()) {
            server.metrics().refused("bad_request");
            reply(ctx, Responses.error(HttpResponseStatus.NOT_FOUND, "unknown_dump", "no dump " + dump + " of host " + host));
            return;
        }
        server.fileExecutor().execute(() -> {
            try {
                DumpState state = rec.get().complete();
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("id", rec.get().id());
                body.put("state", state.wire());
                body.put("problem", rec.get().snapshot().problem);
                reply(ctx, Responses.json(HttpResponseStatus.OK, body));
            } catch (IOException e) {
                reply(ctx, Responses.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "storage", e.getMessage()));
            }
        });
    }

    /** Whether the request's token may upload (and so ask about and end) {@code host}'s dumps; answers 401 if not. */
    private boolean authorizedUploader(ChannelHandlerContext ctx, HttpRequest req, String host) {
        if (server.admission().mayUpload(host, Auth.token(req))) {
            return true;
        }
        server.metrics().refused("unauthorized");
        reply(ctx, Responses.error(HttpResponseStatus.UNAUTHORIZED, "unauthorized", "token not valid for host " + host));
        return false;
    }

    private boolean authorizedReader(ChannelHandlerContext ctx, HttpRequest req) {
        if (server.admission().mayRead(Auth.token(req))) {
            return true;
        }
        reply(ctx, Responses.error(HttpResponseStatus.UNAUTHORIZED, "unauthorized",
                "reading dumps needs the operator token (Authorization: Bearer ...)"));
        return false;
    }

    /**
     * A refused PUT whose body is still coming: answer at once, drop the body, close at its end
     * (or after 10 s), so the client reads the answer instead of a connection reset.
     */
    private void replyThenDrain(ChannelHandlerContext ctx, FullHttpResponse r) {
        closeAtLast = true;
        ctx.writeAndFlush(r);
        ctx.executor().schedule(() -> ctx.close(), 10, java.util.concurrent.TimeUnit.SECONDS);
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
                upload.abort(ctx, "no data for " + server.config().idleTimeout.toSeconds() + "s (idle timeout)");
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
