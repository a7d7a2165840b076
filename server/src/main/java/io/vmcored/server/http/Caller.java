package io.vmcored.server.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.vmcored.server.http.console.ConsoleSessions;
import io.vmcored.server.http.console.ConsoleSessions.Session;
import io.vmcored.server.ingest.Admission;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Who sent a request: a token in a header (API clients), else a console session cookie. A
 * change made with the cookie (which the browser adds by itself) must also carry the session's
 * CSRF token in {@code X-Vmcored-Csrf}; a token in a header needs none (no page can make a
 * browser send one).
 *
 * @param token   the header token, or null
 * @param session the console session of the cookie, or null (ignored when a header token is given)
 */
record Caller(String token, Session session) {

    static Caller of(HttpRequest req, ConsoleSessions sessions) {
        String token = Auth.token(req);
        if (token != null && !token.isEmpty()) {
            return new Caller(token, null);
        }
        return new Caller(null, sessions.find(cookie(req)).orElse(null));
    }

    /** The session cookie's value, or null. */
    static String cookie(HttpRequest req) {
        String header = req.headers().get(HttpHeaderNames.COOKIE);
        if (header == null) {
            return null;
        }
        for (Cookie c : ServerCookieDecoder.STRICT.decode(header)) {
            if (c.name().equals(ConsoleSessions.COOKIE)) {
                return c.value();
            }
        }
        return null;
    }

    boolean mayRead(Admission access) {
        return session != null || access.mayRead(token);
    }

    /** Deleting, logging out: the operator's token, or an operator session that echoes its CSRF token. */
    boolean mayChange(Admission access, HttpRequest req) {
        if (session != null) {
            return session.role() == ConsoleSessions.Role.OPERATOR && csrfOk(req);
        }
        return access.mayChange(token);
    }

    boolean csrfOk(HttpRequest req) {
        String given = req.headers().get(ConsoleSessions.CSRF_HEADER);
        return session != null && given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                session.csrf().getBytes(StandardCharsets.UTF_8));
    }

    /** What the refusal log says about a caller refused. */
    String reason() {
        return session != null ? "viewer_or_no_csrf" : token == null ? "no_token" : "bad_token";
    }
}
