package io.vmcored.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vmcored.protocol.flat.FlattenedFormatException;
import io.vmcored.protocol.rearrange.StreamReceiver.Outcome;
import io.vmcored.server.catalog.DumpRecord;
import io.vmcored.server.catalog.DumpState;
import io.vmcored.server.catalog.FileUpload;
import io.vmcored.server.ingest.SenderOptions;
import io.vmcored.server.catalog.UploadBusyException;
import io.vmcored.server.daemon.ServerContext;
import io.vmcored.server.ingest.UploadPump;
import io.vmcored.server.storage.DiskLowException;
import io.vmcored.server.storage.ResumeMismatchException;
import io.vmcored.server.storage.ResumePoint;
import io.vmcored.server.storage.SpoolLayout;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * {@code PUT /api/v1/dumps/{host}[?dump=ID][&file=F][&offset=N]}: the body (chunked or not)
 * is the stream; {@code offset} resumes like the TCP handshake (it must equal the
 * {@code offset} a HEAD/GET returned). The response says the outcome (201 complete,
 * 200 stored incomplete, 409 resume mismatch/bad offset, 507 disk low).
 */
final class HttpUpload {

    static final String MAIN_FILE = "vmcore";
    private static final long DRAIN_SECONDS = 10;

    private final ServerContext server;
    private final BiConsumer<ChannelHandlerContext, FullHttpResponse> replier;
    private final boolean main;
    private UploadPump pump;
    private boolean ended;
    private boolean bodyDone;
    private boolean draining;

    private HttpUpload(ServerContext server, BiConsumer<ChannelHandlerContext, FullHttpResponse> replier, boolean main) {
        this.server = server;
        this.replier = replier;
        this.main = main;
    }

    /** Checks the request and opens the upload; null (after replying) if refused. */
    static HttpUpload start(ServerContext server, ChannelHandlerContext ctx, HttpRequest req, String host,
                            QueryStringDecoder q, BiConsumer<ChannelHandlerContext, FullHttpResponse> replier) {
        String dump = DumpQueries.param(q, "dump");
        String file = SpoolLayout.checkName("file", Optional.ofNullable(DumpQueries.param(q, "file")).orElse(MAIN_FILE));
        long offset = parseOffset(DumpQueries.param(q, "offset"));
        if (!server.admission().mayUpload(host, Auth.token(req))) {
            server.metrics().refused("unauthorized");
            replier.accept(ctx, Responses.error(HttpResponseStatus.UNAUTHORIZED, "unauthorized",
                    "token not valid for host " + host));
            return null;
        }
        Optional<DumpRecord> rec = dump == null ? Optional.empty() : server.catalog().byClientId(host, dump);
        if (offset > 0) {
            ResumePoint rp = rec.map(r -> r.resumePoint(file)).orElse(null);
            if (rp == null || rp.from() != offset) {
                server.metrics().refused("bad_request");
                replier.accept(ctx, Responses.error(HttpResponseStatus.CONFLICT, "bad_offset", "cannot resume at "
                        + offset + ", expected offset " + (rp == null ? 0 : rp.from()) + " (ask with HEAD)"));
                return null;
            }
        }
        String refusal = server.admission().refusal();
        if (refusal != null) {
            server.metrics().refused("disk_low");
            replier.accept(ctx, Responses.error(HttpResponseStatus.INSUFFICIENT_STORAGE, "disk_low", refusal));
            return null;
        }
        HttpUpload up = new HttpUpload(server, replier, file.equals(MAIN_FILE));
        Map<String, String> steer = server.admission().steer(host);
        Map<String, String> sender = SenderOptions.from(k -> DumpQueries.param(q, k));
        up.pump = new UploadPump(server, ctx.channel(), t -> up.abort(ctx, UploadPump.message(t)));
        up.pump.open(() -> {
            DumpRecord r = rec.isPresent() ? rec.get() : server.catalog().create(host, "http", dump);
            if (!steer.isEmpty()) {
                r.update(m -> m.steer = steer);
            }
            if (up.main) {
                r.setDumpFile(file);
                if (!sender.isEmpty()) {
                    r.update(m -> m.sender = sender);
                }
            }
            return offset > 0 ? r.resume(file, "http") : r.upload(file, "http");
        });
        return up;
    }

    /** Event loop: one body chunk; ownership of {@code buf} passes to the pump. */
    void content(ChannelHandlerContext ctx, ByteBuf buf) {
        if (ended) {
            buf.release();
            return;
        }
        pump.offer(buf);
    }

    void last(ChannelHandlerContext ctx) {
        bodyDone = true;
        if (draining) {
            ctx.close();
            return;
        }
        end(ctx, null);
    }

    void abort(ChannelHandlerContext ctx, String problem) {
        end(ctx, problem);
    }

    private void end(ChannelHandlerContext ctx, String problem) {
        if (ended) {
            return;
        }
        ended = true;
        ctx.channel().config().setAutoRead(false);
        pump.end(problem, this::response).whenComplete((r, err) -> ctx.executor().execute(() -> {
            FullHttpResponse resp = r != null ? r : Responses.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "storage",
                    err == null ? "upload failed" : UploadPump.message(err));
            if (bodyDone || !ctx.channel().isActive()) {
                replier.accept(ctx, resp);
                return;
            }
            // the client is still sending: answer now, read and drop the rest of the body (at most
            // DRAIN_SECONDS), then close; closing with unread input would reset the connection
            // before curl reads the answer
            draining = true;
            ctx.writeAndFlush(resp);
            ctx.channel().config().setAutoRead(true);
            ctx.read();
            ctx.executor().schedule(() -> ctx.close(), DRAIN_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
        }));
    }

    private FullHttpResponse response(FileUpload up, Outcome o, Throwable failure) throws IOException {
        if (failure instanceof UploadBusyException) {
            server.metrics().refused("busy");
            return Responses.error(HttpResponseStatus.CONFLICT, "busy", failure.getMessage());
        }
        if (up == null) {
            return Responses.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "storage",
                    failure == null ? "upload did not start" : UploadPump.message(failure));
        }
        DumpRecord r = up.record();
        ResumePoint rp = r.resumePoint(up.name());
        if (failure instanceof ResumeMismatchException) {
            server.metrics().refused("resume_mismatch");
            r.fail("resumed stream did not match the committed part");
            return Responses.error(HttpResponseStatus.CONFLICT, "resume_mismatch", failure.getMessage());
        }
        DumpState state = r.fileDone(up.name());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", r.id());
        body.put("state", state.wire());
        body.put("file", up.name());
        body.put("fileState", o.complete() ? "complete" : "incomplete");
        body.put("committed", o.complete() ? o.streamBytes() : rp == null ? 0 : rp.committed());
        body.put("offset", o.complete() ? o.streamBytes() : rp == null ? 0 : rp.from());
        body.put("size", o.fileSize());
        body.put("checksum", r.snapshot().files.get(up.name()).checksum);
        body.put("problem", o.problem());
        HttpResponseStatus status = o.complete() ? HttpResponseStatus.CREATED
                : failure instanceof DiskLowException ? HttpResponseStatus.INSUFFICIENT_STORAGE
                : failure instanceof FlattenedFormatException ? HttpResponseStatus.BAD_REQUEST
                : HttpResponseStatus.OK;
        return Responses.json(status, body);
    }

    private static long parseOffset(String s) {
        if (s == null) {
            return 0;
        }
        try {
            long v = Long.parseLong(s);
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("offset \"" + s + "\": expected a byte count >= 0");
    }
}
