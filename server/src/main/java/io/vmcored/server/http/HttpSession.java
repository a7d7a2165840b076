package io.vmcored.server.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.vmcored.server.catalog.DumpRecord;
import io.vmcored.server.catalog.Transport;
import io.vmcored.server.http.console.ConsoleSessions;
import io.vmcored.server.http.console.EventStream;
import io.vmcored.server.ingest.RefusedException;
import io.vmcored.server.ingest.UploadPump;
import io.vmcored.server.storage.SpoolLayout;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP connection: routes a request ({@link Route}; docs/server.md, "HTTP API"), streams a
 * PUT body into an {@link HttpUpload}, hands a dump's reads and DELETE to {@link DumpRoutes}.
 * One request per connection.
 */
final class HttpSession extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(HttpSession.class);

    private final HttpApi api;
    private HttpUpload upload;
    private EventStream stream;
    private boolean discarding;
    private boolean head;

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
        head = method.equals(HttpMethod.HEAD);
        Route route = Route.of(q.rawPath()); // raw: an encoded '/' stays inside its segment, decoded once below
        try {
            if (route == null) {
                reply(ctx, Responses.error(HttpResponseStatus.NOT_FOUND, "not_found", "no resource " + path));
            } else if (!route.takes(method)) {
                discarding = true;
                reply(ctx, route.notAllowed(method, path));
            } else {
                serve(ctx, req, q, route);
            }
        } catch (IllegalArgumentException e) {
            discarding = true;
            reply(ctx, Responses.error(HttpResponseStatus.BAD_REQUEST, "bad_request", e.getMessage()));
        }
    }

    /** A known path, a method it takes. */
    private void serve(ChannelHandlerContext ctx, HttpRequest req, QueryStringDecoder q, Route route) {
        switch (route) {
            case HEALTH -> reply(ctx, Responses.text(HttpResponseStatus.OK, "ok\n", "text/plain"));
            case METRICS -> reply(ctx, Responses.text(HttpResponseStatus.OK, api.registry().scrape(),
                    "text/plain; version=0.0.4; charset=utf-8"));
            case CONSOLE -> console(ctx, req).asset(q.path());
            case SESSION -> console(ctx, req).session(caller(req));
            case LOGIN -> {
                if (sameOrigin(ctx, req)) {
                    console(ctx, req).login();
                }
            }
            case LOGOUT -> {
                if (sameOrigin(ctx, req)) {
                    console(ctx, req).logout(caller(req));
                }
            }
            case EVENTS, UPLOADS, HOSTS, CRASH_STATS, STATUS -> {
                if (authorizedReader(ctx, req)) {
                    liveRoute(ctx, req, q, route);
                }
            }
            case LIST -> {
                if (authorizedReader(ctx, req)) {
                    reply(ctx, Responses.json(HttpResponseStatus.OK, DumpQueries.list(api.catalog(), q)));
                }
            }
            case SIGNATURES -> {
                if (authorizedReader(ctx, req)) {
                    reply(ctx, Responses.json(HttpResponseStatus.OK, api.crash().signatures()));
                }
            }
            case ADMISSION, ADMISSION_HOST, ADMISSION_SIGNATURE -> {
                discarding = true; // a PUT here carries its value in the query
                boolean change = route != Route.ADMISSION;
                if (change ? sameOrigin(ctx, req) && authorizedChange(ctx, req) : authorizedReader(ctx, req)) {
                    new AdmissionRoutes(api, ctx, r -> reply(ctx, r)).serve(req, q, route);
                }
            }
            case UPLOAD, END -> uploadRoute(ctx, req, q, route, Route.decodedParts(q.rawPath()));
            default -> dumpRoute(ctx, req, route, Route.decodedParts(q.rawPath()));
        }
    }

    private void liveRoute(ChannelHandlerContext ctx, HttpRequest req, QueryStringDecoder q, Route route) {
        ConsoleRoutes c = console(ctx, req);
        switch (route) {
            case EVENTS -> {
                stream = c.events();
                discarding = true;
            }
            case UPLOADS -> c.uploads();
            case HOSTS -> c.hosts();
            case CRASH_STATS -> c.crashStats(q);
            default -> c.status();
        }
    }

    private ConsoleRoutes console(ChannelHandlerContext ctx, HttpRequest req) {
        return new ConsoleRoutes(api, ctx, req, r -> reply(ctx, r));
    }

    private Caller caller(HttpRequest req) {
        return Caller.of(req, api.console().sessions());
    }

    /**
     * A browser sends {@code Origin} with every POST and DELETE: one naming another site is a
     * cross-site request, refused whatever credentials it carries (the cookie's SameSite=Strict
     * and the CSRF header are the other two locks).
     */
    private boolean sameOrigin(ChannelHandlerContext ctx, HttpRequest req) {
        String origin = req.headers().get(HttpHeaderNames.ORIGIN);
        String host = req.headers().get(HttpHeaderNames.HOST);
        if (origin == null || host != null && origin.replaceFirst("^https?://", "").equals(host)) {
            return true;
        }
        discarding = true;
        api.refusals().refused("http", Peers.of(ctx), "cross_site", req.method() + " "
                + new QueryStringDecoder(req.uri()).path() + " from origin " + origin);
        reply(ctx, Responses.error(HttpResponseStatus.FORBIDDEN, "cross_site",
                "request from another site (Origin " + origin + "): refused"));
        return false;
    }

    private void uploadRoute(ChannelHandlerContext ctx, HttpRequest req, QueryStringDecoder q, Route route, String[] parts) {
        String host = SpoolLayout.checkHost(parts[0]);
        if (route == Route.END) {
            answer(ctx, api.ingest().endDump(Transport.HTTP, host, DumpQueries.param(q, "dump"), Auth.token(req),
                    Peers.of(ctx)), HttpAnswers::end);
        } else if (req.method().equals(HttpMethod.PUT)) {
            upload = HttpUpload.start(api, ctx, req, host, q);
        } else {
            answer(ctx, api.ingest().status(Transport.HTTP, HttpUpload.request(req, host, q, Peers.of(ctx))),
                    HttpAnswers::status);
        }
    }

    /** The operator's routes on one dump ({@link DumpRoutes}). */
    private void dumpRoute(ChannelHandlerContext ctx, HttpRequest req, Route route, String[] parts) {
        String name = route == Route.FILE ? SpoolLayout.checkName("file name", parts[2]) : null;
        boolean delete = req.method().equals(HttpMethod.DELETE);
        if (delete ? !sameOrigin(ctx, req) || !authorizedChange(ctx, req) : !authorizedReader(ctx, req)) {
            return;
        }
        Optional<DumpRecord> rec = api.catalog().get(parts[0]);
        String range = req.headers().get(HttpHeaderNames.RANGE);
        if (rec.isEmpty()) {
            // perhaps another collector's, stored in the bucket: the database is asked off the event loop
            ElsewhereRoutes elsewhere = new ElsewhereRoutes(api, ctx, head, r -> reply(ctx, r));
            api.files().execute(() -> elsewhere.answer(parts[0], route, name, range, delete));
            return;
        }
        DumpRoutes dump = new DumpRoutes(api, ctx, head, r -> reply(ctx, r));
        switch (route) {
            case DUMP -> {
                if (req.method().equals(HttpMethod.DELETE)) {
                    dump.delete(rec.get());
                } else {
                    dump.manifest(rec.get());
                }
            }
            case VMCORE -> dump.dumpFile(rec.get(), range);
            case MANIFEST -> dump.manifestFile(rec.get(), range);
            default -> dump.file(rec.get(), name, range);
        }
    }

    /** Sends the answer once the service has it; a refusal in the service's terms, a failure as a 404 or 500. */
    private <T> void answer(ChannelHandlerContext ctx, CompletableFuture<T> answer, Function<T, FullHttpResponse> words) {
        answer.whenComplete((value, err) -> {
            Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
            reply(ctx, cause == null ? words.apply(value)
                    : cause instanceof RefusedException refused ? HttpAnswers.refused(refused)
                    : cause instanceof UncheckedIOException gone ? gone(gone)
                    : Responses.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "storage", UploadPump.message(cause)));
        });
    }

    /** A dump's file gone from disk: the message names server paths, so it goes to the log, not the sender. */
    private static FullHttpResponse gone(UncheckedIOException e) {
        LOG.warn("{}", e.getMessage(), e);
        return Responses.error(HttpResponseStatus.NOT_FOUND, "not_found",
                "a file of this dump is missing from the server's spool (the server log names it)");
    }

    /** Deleting: the operator's token, or an operator's console session with its CSRF header. */
    private boolean authorizedChange(ChannelHandlerContext ctx, HttpRequest req) {
        Caller caller = caller(req);
        if (caller.mayChange(api.access(), req)) {
            return true;
        }
        api.refusals().refused("http", Peers.of(ctx), caller.reason(),
                req.method() + " " + new QueryStringDecoder(req.uri()).path() + ": changes need the operator token");
        reply(ctx, Responses.error(caller.session() != null ? HttpResponseStatus.FORBIDDEN : HttpResponseStatus.UNAUTHORIZED,
                "unauthorized", caller.session() != null
                        ? "this console session may not change dumps (viewer, or the " + ConsoleSessions.CSRF_HEADER
                        + " header is missing or wrong)"
                        : "changes need the operator token (Authorization: Bearer ...)"));
        return false;
    }

    private boolean authorizedReader(ChannelHandlerContext ctx, HttpRequest req) {
        Caller caller = caller(req);
        if (caller.mayRead(api.access())) {
            return true;
        }
        String token = caller.token();
        api.refusals().refused("http", Peers.of(ctx), token == null || token.isEmpty() ? "no_token" : "bad_token",
                req.method() + " " + new QueryStringDecoder(req.uri()).path() + ": reading needs the operator token");
        reply(ctx, Responses.error(HttpResponseStatus.UNAUTHORIZED, "unauthorized",
                "reading dumps needs the operator token (Authorization: Bearer ...)"));
        return false;
    }

    /** A HEAD gets the GET's status and headers (Content-Length included), never the body. */
    void reply(ChannelHandlerContext ctx, FullHttpResponse r) {
        if (head) {
            r.content().clear();
        }
        if (ctx.executor().inEventLoop()) {
            Responses.send(ctx, r);
        } else {
            ctx.executor().execute(() -> Responses.send(ctx, r));
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (stream != null && ctx.channel().isWritable()) {
            stream.writable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (stream != null) {
            return; // an event stream sends, its client only listens: quiet is normal (pings keep it alive)
        }
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
        if (stream != null) {
            api.console().events().closed(stream);
        }
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
