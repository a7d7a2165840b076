package io.vmcored.server.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;

/** Token from {@code Authorization: Bearer T} or {@code X-Vmcored-Token: T}. */
final class Auth {

    private Auth() {
    }

    static String token(HttpRequest req) {
        String auth = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return auth.substring(7).trim();
        }
        return req.headers().get("X-Vmcored-Token");
    }
}
