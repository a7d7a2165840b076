package io.vmcored.server.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Executor;

/**
 * A stored file of a dump ({@code GET /api/v1/dumps/{id}/vmcore}, {@code .../files/{name}},
 * {@code .../manifest.json}) with optional {@code Range: bytes=a-b | a- | -n}. The body is read
 * on file threads and streamed ({@link FileStreamer}), plain or TLS alike; a HEAD gets the same
 * headers from the file's size alone, its bytes never read.
 */
final class Download {

    private Download() {
    }

    /** Opens the body of {@code [start, end]} once the response is known to have one; nothing is sent yet. */
    @FunctionalInterface
    interface Opener {
        ChunkSource open(long start, long end) throws IOException;
    }

    /**
     * Call from a file thread (opens the file). A missing file throws before anything is sent,
     * so the caller can still answer 404; {@code files} reads the body.
     *
     * @param filename the name a browser or {@code curl -J} saves it as ({@code Content-Disposition})
     */
    static void send(ChannelHandlerContext ctx, Path file, String range, boolean head, String filename, Executor files)
            throws IOException {
        long size = Files.size(file);
        send(ctx, size, range, head, filename, files, (start, end) -> ChunkSource.of(FileChannel.open(file,
                StandardOpenOption.READ)));
    }

    /**
     * A body of {@code size} bytes from wherever {@code body} reads it (a spool file, the object
     * store). {@code body} is called only for a GET with a satisfiable range, before anything is
     * sent: what it throws leaves the caller free to answer.
     */
    static void send(ChannelHandlerContext ctx, long size, String range, boolean head, String filename, Executor files,
                     Opener body) throws IOException {
        long start = 0;
        long end = size - 1;
        HttpResponseStatus status = HttpResponseStatus.OK;
        if (range != null) {
            long[] r = parse(range, size);
            if (r == null) {
                var resp = Responses.error(HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE, "bad_range",
                        "Range \"" + range + "\": expected bytes=a-b within a file of " + size + " bytes");
                resp.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + size);
                if (head) {
                    resp.content().clear();
                }
                Responses.send(ctx, resp);
                return;
            }
            start = r[0];
            end = r[1];
            status = HttpResponseStatus.PARTIAL_CONTENT;
        }
        long length = end - start + 1;
        ChunkSource source = head || length <= 0 ? null : body.open(start, end);
        HttpResponse resp = head ? new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER)
                : new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
        resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream")
                .set(HttpHeaderNames.CONTENT_LENGTH, Math.max(0, length))
                .set(HttpHeaderNames.ACCEPT_RANGES, "bytes")
                .set(HttpHeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"" + filename + "\"")
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        if (status == HttpResponseStatus.PARTIAL_CONTENT) {
            resp.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes " + start + "-" + end + "/" + size);
        }
        if (head) {
            Responses.send(ctx, (DefaultFullHttpResponse) resp);
            return;
        }
        ctx.write(resp);
        if (source == null) {
            FileStreamer.stream(ctx, ChunkSource.of(InputStream.nullInputStream()), start, 0, files);
        } else {
            FileStreamer.stream(ctx, source, start, length, files);
        }
    }

    /** [start, end] inclusive, or null if unsatisfiable. */
    static long[] parse(String range, long size) {
        if (!range.startsWith("bytes=") || range.contains(",")) {
            return null;
        }
        String spec = range.substring(6).trim();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        try {
            String a = spec.substring(0, dash).trim();
            String b = spec.substring(dash + 1).trim();
            long start;
            long end;
            if (a.isEmpty()) {
                long n = Long.parseLong(b);
                start = Math.max(0, size - n);
                end = size - 1;
            } else {
                start = Long.parseLong(a);
                end = b.isEmpty() ? size - 1 : Math.min(Long.parseLong(b), size - 1);
            }
            return start <= end && start < size ? new long[] {start, end} : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
