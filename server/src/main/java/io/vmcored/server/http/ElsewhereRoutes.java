package io.vmcored.server.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.vmcored.server.catalog.Manifest;
import io.vmcored.server.catalog.ManifestIo;
import io.vmcored.server.catalog.StoredCopy.StoredFile;
import io.vmcored.server.catalog.StoredElsewhere;
import io.vmcored.server.store.ObjectStore;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The operator's requests on a dump another collector holds, answered from the shared
 * catalog's copy of its manifest and the object store: any collector serves the fleet's stored
 * dumps, also while the one that received them is down. Deleting stays with that collector.
 * Runs on a file thread (the database and the bucket are asked here).
 */
final class ElsewhereRoutes {

    private final HttpApi api;
    private final ChannelHandlerContext ctx;
    private final boolean head;
    private final Consumer<FullHttpResponse> reply;

    ElsewhereRoutes(HttpApi api, ChannelHandlerContext ctx, boolean head, Consumer<FullHttpResponse> reply) {
        this.api = api;
        this.ctx = ctx;
        this.head = head;
        this.reply = reply;
    }

    /** File thread: answers {@code route} on dump {@code id}, or a 404 when no collector stored it. */
    void answer(String id, Route route, String name, String range, boolean delete) {
        Optional<StoredElsewhere> found = api.catalog().heldElsewhere(id);
        if (found.isEmpty()) {
            reply.accept(Responses.error(HttpResponseStatus.NOT_FOUND, "not_found", "no dump " + id));
            return;
        }
        StoredElsewhere e = found.get();
        String node = e.summary().node();
        if (delete) {
            reply.accept(Responses.error(HttpResponseStatus.CONFLICT, "elsewhere", "dump " + id + " is held by collector "
                    + node + ": delete it there"));
            return;
        }
        if (e.manifest() == null || api.store() == null) {
            reply.accept(Responses.error(HttpResponseStatus.NOT_FOUND, "elsewhere", "dump " + id + " is held by collector "
                    + node + " and not in the object store: ask that collector"));
            return;
        }
        switch (route) {
            case DUMP -> reply.accept(withNode(Responses.json(HttpResponseStatus.OK, e.manifest()), node));
            case MANIFEST -> manifestFile(e.manifest(), node);
            case VMCORE -> file(e, e.manifest().dumpFile, range);
            default -> file(e, name, range);
        }
    }

    private void manifestFile(Manifest m, String node) {
        try {
            byte[] json = ManifestIo.json().writeValueAsBytes(m);
            var resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(json));
            resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json").set(HttpHeaderNames.CONTENT_LENGTH,
                    json.length);
            reply.accept(withNode(resp, node));
        } catch (IOException e) {
            reply.accept(Responses.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "storage", e.getMessage()));
        }
    }

    private void file(StoredElsewhere e, String name, String range) {
        String id = e.summary().id();
        Optional<StoredFile> f = name == null ? Optional.empty() : ObjectStore.stored(e.manifest(), name);
        if (f.isEmpty()) {
            reply.accept(Responses.error(HttpResponseStatus.NOT_FOUND, "not_found", "dump " + id + " (collector "
                    + e.summary().node() + ") has no file \"" + name + "\" in the object store; its files there: "
                    + String.join(", ", e.manifest().store.files.keySet())));
            return;
        }
        StoredDownload.send(ctx, api.store(), e.summary(), name, f.get(), e.manifest().store.url, range, head,
                api.files(), reply);
    }

    private static FullHttpResponse withNode(FullHttpResponse r, String node) {
        r.headers().set("X-Vmcored-Node", node);
        return r;
    }
}
