package io.vmcored.server.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.vmcored.server.catalog.StoredCopy.StoredFile;
import io.vmcored.server.store.ObjectStore;
import java.io.IOException;
import java.util.concurrent.Executor;

/**
 * A download of a file that left the spool for the object store: with {@code store.presign} a
 * GET is redirected (302) to a presigned URL, so the bytes go from the bucket to the client
 * directly; otherwise they are relayed, a Range read from the bucket as a ranged GET. A HEAD is
 * answered from the size the manifest recorded, the bucket not asked.
 */
final class StoredDownload {

    private StoredDownload() {
    }

    /** File thread (the bucket is asked here, blocking). */
    static void send(ChannelHandlerContext ctx, ObjectStore store, StoredFile f, String range, boolean head,
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
