package io.vmcored.server.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vmcored.server.ingest.AdmissionOverrides;
import io.vmcored.server.storage.SpoolLayout;
import java.io.IOException;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's run-time changes to the admission policy: a host that always sends a full
 * dump, a crash allowed N more full dumps. Written to the state directory on a file thread;
 * each change logged with the operator's address.
 */
final class AdmissionRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(AdmissionRoutes.class);
    private static final int MAX_EXTRA = 1_000_000;

    private final HttpApi api;
    private final ChannelHandlerContext ctx;
    private final Consumer<FullHttpResponse> reply;

    AdmissionRoutes(HttpApi api, ChannelHandlerContext ctx, Consumer<FullHttpResponse> reply) {
        this.api = api;
        this.ctx = ctx;
        this.reply = reply;
    }

    void serve(HttpRequest req, QueryStringDecoder q, Route route) {
        if (route == Route.ADMISSION) {
            reply.accept(Responses.json(HttpResponseStatus.OK, api.ingest().dumpAdmission().view()));
            return;
        }
        String[] p = q.rawPath().substring(Route.ADMISSION_PATH.length() + 1).split("/", -1);
        String name = QueryStringDecoder.decodeComponent(p[1]);
        boolean put = req.method().equals(HttpMethod.PUT);
        AdmissionOverrides o = api.ingest().dumpAdmission().overrides();
        if (route == Route.ADMISSION_HOST) {
            String host = SpoolLayout.checkHost(name);
            change(() -> o.alwaysFull(host, put), "host " + host + (put ? " always sends a full dump" : " follows the policy"),
                    Map.of("host", host, "alwaysFull", put));
            return;
        }
        if (!name.matches("[0-9a-f]{16}")) {
            throw new IllegalArgumentException("signature \"" + name + "\": expected 16 hex digits");
        }
        int more = put ? extra(DumpQueries.param(q, "extra")) : 0;
        change(() -> api.ingest().dumpAdmission().allowMore(name, more), "signature " + name + " allowed " + more
                + " more full dumps", Map.of("signature", name, "more", more));
    }

    private static int extra(String text) {
        try {
            int n = Integer.parseInt(text == null ? "" : text);
            if (n >= 0 && n <= MAX_EXTRA) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("extra=" + text + ": expected 0 to " + MAX_EXTRA + " more full dumps");
    }

    private interface Change {
        void run() throws IOException;
    }

    private void change(Change c, String what, Map<String, Object> answer) {
        api.files().execute(() -> {
            try {
                c.run();
                LOG.info("admission override by {}: {}", Peers.of(ctx), what);
                reply.accept(Responses.json(HttpResponseStatus.OK, answer));
            } catch (IllegalArgumentException e) {
                reply.accept(Responses.error(HttpResponseStatus.BAD_REQUEST, "bad_request", e.getMessage()));
            } catch (IOException e) {
                LOG.warn("admission override by {} failed: {}: {}", Peers.of(ctx), what, e.getMessage());
                reply.accept(Responses.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "storage",
                        "the override could not be saved (the server log says why)"));
            }
        });
    }
}
