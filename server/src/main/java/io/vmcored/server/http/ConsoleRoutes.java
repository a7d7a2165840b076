package io.vmcored.server.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.CookieHeaderNames;
import io.netty.handler.codec.http.cookie.DefaultCookie;
import io.netty.handler.codec.http.cookie.ServerCookieEncoder;
import io.vmcored.server.catalog.DumpQuery;
import io.vmcored.server.catalog.DumpState;
import io.vmcored.server.http.console.Console;
import io.vmcored.server.http.console.ConsoleAssets;
import io.vmcored.server.http.console.ConsoleSessions;
import io.vmcored.server.http.console.ConsoleSessions.Role;
import io.vmcored.server.http.console.ConsoleSessions.Session;
import io.vmcored.server.http.console.CrashHistogram;
import io.vmcored.server.http.console.EventStream;
import io.vmcored.server.http.console.HostList;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The web console's requests and the API it reads beyond the dumps (docs/server.md, "Web
 * console", "Live events"): its files, login and logout, the event stream, uploads in flight,
 * hosts, crash counts over time, the spool's status. The caller was checked by {@link HttpSession}.
 */
final class ConsoleRoutes {

    /** Pages only load what the collector itself serves, and no other site may frame them. */
    private static final String CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private final HttpApi api;
    private final Console console;
    private final ChannelHandlerContext ctx;
    private final HttpRequest req;
    private final Consumer<FullHttpResponse> reply;

    ConsoleRoutes(HttpApi api, ChannelHandlerContext ctx, HttpRequest req, Consumer<FullHttpResponse> reply) {
        this.api = api;
        this.console = api.console();
        this.ctx = ctx;
        this.req = req;
        this.reply = reply;
    }

    void asset(String path) {
        ConsoleAssets.Asset a = console.assets().find(path).orElse(null);
        if (a == null) {
            reply.accept(Responses.error(HttpResponseStatus.NOT_FOUND, "not_found", "no resource " + path));
            return;
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(a.bytes()));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, a.type())
                .setInt(HttpHeaderNames.CONTENT_LENGTH, a.bytes().length)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        secure(r);
        reply.accept(r);
    }

    /** {@code GET /console/session}: {@code {auth: open|login, role, csrf}}; role null until logged in. */
    void session(Caller caller) {
        Map<String, Object> body = new LinkedHashMap<>();
        boolean open = api.access().mayChange(null);
        body.put("auth", open ? "open" : "login");
        Session s = caller.session();
        body.put("role", s != null ? s.role().wire() : open ? Role.OPERATOR.wire()
                : api.access().mayChange(caller.token()) ? Role.OPERATOR.wire()
                : api.access().mayRead(caller.token()) ? Role.VIEWER.wire() : null);
        body.put("csrf", s == null ? null : s.csrf());
        FullHttpResponse r = Responses.json(HttpResponseStatus.OK, body);
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        reply.accept(r);
    }

    /** {@code POST /console/login} with the token in {@code X-Vmcored-Token}: a session cookie, or 401. */
    void login() {
        String token = Auth.token(req);
        Role role = api.access().mayChange(token) ? Role.OPERATOR : api.access().mayRead(token) ? Role.VIEWER : null;
        if (role == null || token == null || token.isEmpty()) {
            api.refusals().refused("http", Peers.of(ctx), token == null || token.isEmpty() ? "no_token" : "bad_token",
                    "console login refused");
            reply.accept(Responses.error(HttpResponseStatus.UNAUTHORIZED, "unauthorized",
                    "that is not the operator's (or the viewer's) token"));
            return;
        }
        Session s = console.sessions().login(role);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("auth", "login");
        body.put("role", role.wire());
        body.put("csrf", s.csrf());
        FullHttpResponse r = Responses.json(HttpResponseStatus.OK, body);
        r.headers().set(HttpHeaderNames.SET_COOKIE, cookie(s.id(), ConsoleSessions.LIFETIME));
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        reply.accept(r);
    }

    /** {@code POST /console/logout}: forgets the session (its CSRF token is required) and clears the cookie. */
    void logout(Caller caller) {
        if (caller.session() != null && !caller.csrfOk(req)) {
            reply.accept(Responses.error(HttpResponseStatus.FORBIDDEN, "csrf", "logout needs the session's "
                    + ConsoleSessions.CSRF_HEADER + " header"));
            return;
        }
        if (caller.session() != null) {
            console.sessions().logout(caller.session().id());
        }
        FullHttpResponse r = Responses.json(HttpResponseStatus.OK, Map.of("loggedOut", true));
        r.headers().set(HttpHeaderNames.SET_COOKIE, cookie("", Duration.ZERO));
        reply.accept(r);
    }

    /** {@code GET /api/v1/events}: the headers now, frames as they come (never closed by the server but on stop). */
    EventStream events() {
        EventStream stream = console.events().open(ctx.channel());
        if (stream == null) {
            reply.accept(Responses.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "busy",
                    "too many event streams are open; retry later"));
            return null;
        }
        HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                .set("X-Accel-Buffering", "no");
        ctx.writeAndFlush(r);
        stream.writable();
        return stream;
    }

    void uploads() {
        reply.accept(Responses.json(HttpResponseStatus.OK, console.events().uploads().snapshot()));
    }

    /** Hosts: the key store is a file, read on a file thread. */
    void hosts() {
        api.files().execute(() -> reply.accept(Responses.json(HttpResponseStatus.OK,
                HostList.build(api.catalog().hosts(), console.keys().get()))));
    }

    /** {@code ?days=7&bucket=hour|day&host=&signature=&top=8}. */
    void crashStats(QueryStringDecoder q) {
        for (String p : q.parameters().keySet()) {
            if (!List.of("days", "bucket", "host", "signature", "top").contains(p)) {
                throw new IllegalArgumentException("unknown query parameter \"" + p + "\"; expected days, bucket,"
                        + " host, signature, top");
            }
        }
        int days = number(q, "days", 7, 1, 90);
        int top = number(q, "top", 8, 1, 50);
        String b = DumpQueries.param(q, "bucket");
        ChronoUnit bucket = b == null || b.equals("hour") ? ChronoUnit.HOURS : b.equals("day") ? ChronoUnit.DAYS : null;
        if (bucket == null) {
            throw new IllegalArgumentException("bucket \"" + b + "\": expected hour or day");
        }
        int buckets = bucket == ChronoUnit.HOURS ? days * 24 : days;
        String host = DumpQueries.param(q, "host");
        String signature = DumpQueries.param(q, "signature");
        api.files().execute(() -> reply.accept(Responses.json(HttpResponseStatus.OK,
                CrashHistogram.build(api.catalog(), Instant.now(), bucket, buckets, host, signature, top))));
    }

    /** Spool space against the watermark, dumps in the catalog and in the last 24 hours per state, uploads running. */
    void status() {
        Map<String, Object> body = new LinkedHashMap<>();
        long free = console.free().getAsLong();
        body.put("time", Instant.now().toString());
        body.put("spoolFree", free);
        body.put("spoolMinFree", console.minFree());
        body.put("spoolLow", free < console.minFree());
        body.put("dumps", api.catalog().size());
        Instant since = Instant.now().minus(Duration.ofHours(24));
        Map<String, Long> day = new LinkedHashMap<>();
        DumpQuery q = DumpQuery.newest().withSince(since).withLimit(1);
        day.put("all", api.catalog().list(q).total());
        for (DumpState s : DumpState.values()) {
            day.put(s.wire(), api.catalog().list(q.withState(s)).total());
        }
        body.put("last24h", day);
        body.put("uploads", console.events().uploads().snapshot().size());
        reply.accept(Responses.json(HttpResponseStatus.OK, body));
    }

    private String cookie(String value, Duration maxAge) {
        DefaultCookie c = new DefaultCookie(ConsoleSessions.COOKIE, value);
        c.setHttpOnly(true);
        c.setPath("/");
        c.setSameSite(CookieHeaderNames.SameSite.Strict);
        c.setSecure(ctx.pipeline().get("tls") != null);
        c.setMaxAge(maxAge.toSeconds());
        return ServerCookieEncoder.STRICT.encode(c);
    }

    private static void secure(FullHttpResponse r) {
        r.headers().set("Content-Security-Policy", CSP)
                .set("X-Content-Type-Options", "nosniff")
                .set("Referrer-Policy", "no-referrer")
                .set("X-Frame-Options", "DENY");
    }

    private static int number(QueryStringDecoder q, String name, int dflt, int min, int max) {
        String v = DumpQueries.param(q, name);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " \"" + v + "\": expected a whole number from " + min + " to " + max);
    }
}
