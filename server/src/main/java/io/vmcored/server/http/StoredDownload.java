package io.vmcored.server.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.vmcored.server.catalog.DumpSummary;
import io.vmcored.server.catalog.StoredCopy.StoredFile;
import io.vmcored.server.store.ObjectStore;
import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A download of a file that left the spool for the object store: with {@code store.presign} a
 * GET is redirected (302) to a presigned URL, so the bytes go from the bucket to the client
 * directly; otherwise they are relayed, a Range read from the bucket as a ranged GET. A HEAD is
 * answered from the size the manifest recorded, the bucket not asked.
 */
final class StoredDownload {

    private static final Logger LOG = LoggerFactory.getLogger(StoredDownload.class);

    private StoredDownload() {
    }

    /**
     * File thread (the bucket is asked here, blocking): file {@code name} of dump {@code dump},
     * uploaded as {@code f} under {@code storeUrl}; a bucket that does not answer is a 502
     * naming the dump and the file through {@code reply}, its cause in the log.
     */
    static void send(ChannelHandlerContext ctx, ObjectStore store, DumpSummary dump, String name, StoredFile f,
                     String storeUrl, String range, boolean head, Executor files, Consumer<FullHttpResponse> reply) {
        try {
            send(ctx, store, f, range, head, DumpRoutes.filename(dump, name), files);
        } catch (IOException | RuntimeException e) {
            LOG.warn("dump {}: reading {} from {} for a download failed: {}", dump.id(), name, storeUrl, e.toString());
            reply.accept(Responses.error(HttpResponseStatus.BAD_GATEWAY, "store", "dump " + dump.id() + ": file " + name
                    + " is in the object store, which did not answer (" + e.getClass().getSimpleName()
                    + "; see the server log)"));
        }
    }

    private static void send(ChannelHandlerContext ctx, ObjectStore store, StoredFile f, String range, boolean head,
                             String filename, Executor files) throws IOException {
        if (!head && store.presigning()) {
            var resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.FOUND, Unpooled.EMPTY_BUFFER);
            resp.headers().set(HttpHeaderNames.LOCATION, store.presign(f, filename).toString())
                    .set(HttpHeaderNames.CONTENT_LENGTH, 0)
                    .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            Responses.send(ctx, resp);
            return;
        }
        Download.send(ctx, f.size, range, head, filename, files,
                (start, end) -> ChunkSource.of(store.open(f, start, end)));
    }
}
