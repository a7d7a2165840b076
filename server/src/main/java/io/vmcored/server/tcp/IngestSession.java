package io.vmcored.server.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.vmcored.protocol.rearrange.StreamReceiver.Outcome;
import io.vmcored.server.catalog.DumpRecord;
import io.vmcored.server.catalog.DumpState;
import io.vmcored.server.catalog.FileUpload;
import io.vmcored.server.catalog.UploadBusyException;
import io.vmcored.server.daemon.ServerContext;
import io.vmcored.server.ingest.UploadPump;
import io.vmcored.server.storage.DiskLowException;
import io.vmcored.server.catalog.Manifest.FileEntry;
import io.vmcored.server.storage.ResumeMismatchException;
import io.vmcored.server.storage.ResumePoint;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One ingest connection after its preamble: a bare stream (filed under the peer address)
 * or a handshake request (HELLO / PUT / END, see {@link HandshakeRequest}). Runs on the
 * event loop; everything blocking goes through the {@link UploadPump} or the file executor.
 */
final class IngestSession extends ChannelInboundHandlerAdapter {

    private static final long BARE_END_QUIET_MILLIS = 500;
    /** After a reply that ends an upload early, read and discard at most this long so the reply is read. */
    private static final long DRAIN_SECONDS = 10;

    private final ServerContext server;
    private final HandshakeRequest req;
    private final String host;
    private UploadPump pump;
    private boolean ended;
    private long offered;
    private final EndMarkerWatch endWatch;

    private IngestSession(ServerContext server, HandshakeRequest req, String host) {
        this.server = server;
        this.req = req;
        this.host = host;
        this.endWatch = req == null ? new EndMarkerWatch() : null;
    }

    static IngestSession bare(ServerContext server, String peer) {
        return new IngestSession(server, null, peer);
    }

    static IngestSession handshake(ServerContext server, HandshakeRequest req) {
        return new IngestSession(server, req, req.host());
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (req == null) {
            if (!server.admission().mayUpload(host, null)) {
                // a bare stream cannot carry a token: with tokens configured only the handshake may upload
                server.metrics().refused("unauthorized");
                ended = true;
                ctx.close();
                return;
            }
            String refusal = server.admission().refusal();
            if (refusal != null) {
                refuse(ctx, "disk_low", refusal, null);
                return;
            }
            startUpload(ctx, () -> {
                DumpRecord r = server.catalog().create(host, "tcp", null);
                r.setDumpFile(HandshakeRequest.MAIN_FILE);
                return r.upload(HandshakeRequest.MAIN_FILE, "tcp");
            });
            return;
        }
        if (!server.admission().mayUpload(req.host(), req.token())) {
            refuse(ctx, "unauthorized", "token not valid for host " + req.host(), null);
            return;
        }
        switch (req.verb()) {
            case "HELLO" -> hello(ctx);
            case "END" -> endDump(ctx);
            default -> put(ctx);
        }
    }

    private void hello(ChannelHandlerContext ctx) {
        Optional<DumpRecord> rec = server.catalog().byClientId(req.host(), req.dumpId());
        FileEntry entry = rec.map(r -> r.snapshot().files.get(req.file())).orElse(null);
        ResumePoint rp = rec.map(r -> r.resumePoint(req.file())).orElse(null);
        boolean fileDone = entry != null && entry.state == DumpState.COMPLETE;
        String refusal = server.admission().refusal();
        if (!fileDone && refusal != null) {
            refuse(ctx, "disk_low", refusal, null);
            return;
        }
        Map<String, String> steer = server.admission().steer(req.host());
        Reply.of("OK").put("id", rec.map(DumpRecord::id).orElse("-"))
                .put("state", rec.map(r -> r.state().wire()).orElse("new"))
                .put("file", req.file())
                .put("file-state", entry == null ? "new" : entry.state.wire())
                .put("offset", rp == null ? 0 : rp.from())
                .put("committed", rp == null ? 0 : rp.committed())
                .putAll("steer-", steer)
                .sendAndClose(ctx);
    }

    private void endDump(ChannelHandlerContext ctx) {
        Optional<DumpRecord> rec = server.catalog().byClientId(req.host(), req.dumpId());
        if (rec.isEmpty()) {
            refuse(ctx, "unknown_dump", "no dump " + req.dumpId() + " of host " + req.host(), null);
            return;
        }
        server.fileExecutor().execute(() -> {
            Reply reply;
            try {
                DumpState s = rec.get().complete();
                reply = Reply.of("DONE").put("id", rec.get().id()).put("state", s.wire())
                        .message(rec.get().snapshot().problem);
            } catch (IOException e) {
                reply = Reply.of("FAIL").put("reason", "storage").message(e.getMessage());
            }
            Reply r = reply;
            ctx.executor().execute(() -> r.sendAndClose(ctx));
        });
    }

    private void put(ChannelHandlerContext ctx) {
        Optional<DumpRecord> rec = server.catalog().byClientId(req.host(), req.dumpId());
        if (req.offset() > 0) {
            ResumePoint rp = rec.map(r -> r.resumePoint(req.file())).orElse(null);
            if (rp == null || rp.from() != req.offset()) {
                refuse(ctx, "bad_offset", "cannot resume at " + req.offset() + ": ask with HELLO", rp == null ? 0L : rp.from());
                return;
            }
        }
        String refusal = server.admission().refusal();
        if (refusal != null) {
            refuse(ctx, "disk_low", refusal, null);
            return;
        }
        Map<String, String> steer = server.admission().steer(req.host());
        startUpload(ctx, () -> {
            DumpRecord r = rec.isPresent() ? rec.get() : server.catalog().create(req.host(), "tcp-handshake", req.dumpId());
            if (!steer.isEmpty()) {
                r.update(m -> m.steer = steer);
            }
            if (req.mainFile()) {
                r.setDumpFile(req.file());
                if (!req.options().isEmpty()) {
                    r.update(m -> m.sender = req.options());
                }
            }
            return req.offset() > 0 ? r.resume(req.file(), "tcp") : r.upload(req.file(), "tcp");
        });
    }

    private void startUpload(ChannelHandlerContext ctx, UploadPump.Opener opener) {
        pump = new UploadPump(server, ctx.channel(), t -> finish(ctx, UploadPump.message(t)));
        pump.open(opener);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (pump == null || ended || !(msg instanceof ByteBuf buf)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        offered += buf.readableBytes();
        boolean endSeen = endWatch != null && endWatch.update(buf);
        pump.offer(buf);
        if (endSeen) {
            long seen = offered;
            pump.whenDrained(() -> {
                if (pump.committed() == seen) {
                    ctx.executor().schedule(() -> {
                        if (offered == seen) {
                            finish(ctx, null);
                        }
                    }, BARE_END_QUIET_MILLIS, TimeUnit.MILLISECONDS);
                }
            });
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            if (ended) {
                ctx.close();
                return;
            }
            finish(ctx, null);
        } else if (evt instanceof IdleStateEvent && ctx.channel().config().isAutoRead()) {
            finish(ctx, "no data for " + server.config().idleTimeout.toSeconds() + "s (idle timeout)");
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        finish(ctx, "connection closed before the end of the stream");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        finish(ctx, "connection lost: " + UploadPump.message(cause));
    }

    private void finish(ChannelHandlerContext ctx, String problem) {
        if (ended || pump == null) {
            return;
        }
        ended = true;
        ctx.channel().config().setAutoRead(false);
        pump.end(problem, this::reply).whenComplete((reply, err) -> ctx.executor().execute(() -> {
            Reply r = reply != null ? reply
                    : Reply.of("FAIL").put("reason", "storage").message(err == null ? null : UploadPump.message(err));
            if (req == null) {
                ctx.close();
            } else {
                r.sendAndDrain(ctx, DRAIN_SECONDS);
            }
        }));
    }

    /** On the file thread: ends the dump if this was its main file and words the final reply. */
    private Reply reply(FileUpload up, Outcome o, Throwable failure) throws IOException {
        if (failure instanceof UploadBusyException) {
            server.metrics().refused("busy");
            return Reply.of("REFUSED").put("reason", "busy").message(failure.getMessage());
        }
        if (up == null) {
            String why = failure == null ? "upload did not start" : UploadPump.message(failure);
            return Reply.of("FAIL").put("reason", "storage").message(why);
        }
        DumpRecord r = up.record();
        ResumePoint rp = r.resumePoint(up.name());
        if (failure instanceof ResumeMismatchException) {
            server.metrics().refused("resume_mismatch");
            r.fail("resumed stream did not match the committed part");
            return Reply.of("REFUSED").put("reason", "resume_mismatch").put("id", r.id())
                    .put("offset", rp == null ? 0 : rp.from()).message(failure.getMessage());
        }
        DumpState state = r.fileDone(up.name());
        String reason = failure instanceof DiskLowException ? "disk_low" : o.complete() ? null : "incomplete";
        return Reply.of(o.complete() ? "DONE" : "FAIL").put("reason", reason).put("id", r.id())
                .put("state", state.wire()).put("file", up.name())
                .put("file-state", o.complete() ? "complete" : "incomplete")
                .put("committed", o.complete() ? o.streamBytes() : rp == null ? 0 : rp.committed())
                .put("offset", o.complete() ? o.streamBytes() : rp == null ? 0 : rp.from())
                .put("size", o.fileSize())
                .put("checksum", r.snapshot().files.get(up.name()).checksum)
                .message(o.problem());
    }

    private void refuse(ChannelHandlerContext ctx, String reason, String why, Long offset) {
        server.metrics().refused(reason.equals("bad_offset") || reason.equals("unknown_dump") ? "bad_request" : reason);
        ended = true;
        ctx.channel().config().setAutoRead(false);
        Reply.of("REFUSED").put("reason", reason).put("offset", offset).message(why).sendAndDrain(ctx, DRAIN_SECONDS);
    }
}
