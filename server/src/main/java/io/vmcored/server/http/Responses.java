package io.vmcored.server.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.vmcored.server.catalog.ManifestIo;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Small, complete responses; every response closes the connection (uploads are long, requests few). */
final class Responses {

    private Responses() {
    }

    static FullHttpResponse text(HttpResponseStatus status, String body, String type) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, type)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return r;
    }

    static FullHttpResponse json(HttpResponseStatus status, Object body) {
        try {
            return text(status, ManifestIo.json().writeValueAsString(body) + "\n", "application/json");
        } catch (Exception e) {
            return text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "{\"error\":\"json\"}\n", "application/json");
        }
    }

    static FullHttpResponse error(HttpResponseStatus status, String reason, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", reason);
        body.put("message", message);
        return json(status, body);
    }

    static void send(ChannelHandlerContext ctx, FullHttpResponse r) {
        if (!ctx.channel().isActive()) {
            r.release();
            return;
        }
        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }
}
