package io.vmcored.server.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.vmcored.server.ingest.IngestService;
import io.vmcored.server.ingest.Refusal;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * First handler of an ingest connection: tells a handshake ({@code VMCORED/1 ...\n}) from a
 * bare stream (anything else, e.g. {@code makedumpfile} from {@code nc host port < stream})
 * and replaces itself with an {@link IngestSession}. Holds at most
 * {@link HandshakeRequest#MAX_LINE} bytes; the bytes after the line go on to the session.
 */
final class PreambleDecoder extends ByteToMessageDecoder {

    private static final byte[] MAGIC = HandshakeRequest.MAGIC.getBytes(StandardCharsets.US_ASCII);

    private final IngestService ingest;
    private final Duration idleTimeout;
    /** A refused request line: what follows it (a PUT's body) is dropped, never taken for a bare stream. */
    private boolean refused;

    PreambleDecoder(IngestService ingest, Duration idleTimeout) {
        this.ingest = ingest;
        this.idleTimeout = idleTimeout;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (refused) {
            in.skipBytes(in.readableBytes());
            return;
        }
        int readable = in.readableBytes();
        int n = Math.min(readable, MAGIC.length);
        for (int i = 0; i < n; i++) {
            if (in.getByte(in.readerIndex() + i) != MAGIC[i]) {
                ctx.pipeline().replace(this, "session", IngestSession.bare(ingest, idleTimeout, peerHost(ctx)));
                return;
            }
        }
        if (n < MAGIC.length) {
            return;
        }
        int scan = Math.min(readable, HandshakeRequest.MAX_LINE);
        int eol = in.indexOf(in.readerIndex(), in.readerIndex() + scan, (byte) '\n');
        if (eol < 0) {
            if (readable >= HandshakeRequest.MAX_LINE) {
                refuse(ctx, "request line longer than " + HandshakeRequest.MAX_LINE + " bytes");
            }
            return;
        }
        String line = in.toString(in.readerIndex(), eol - in.readerIndex(), StandardCharsets.US_ASCII);
        in.readerIndex(eol + 1);
        HandshakeRequest request;
        try {
            request = HandshakeRequest.parse(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
        } catch (IllegalArgumentException e) {
            refuse(ctx, e.getMessage());
            return;
        }
        ctx.pipeline().replace(this, "session", IngestSession.handshake(ingest, idleTimeout, request));
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!refused && in.isReadable() && ctx.pipeline().get(PreambleDecoder.class) == this) {
            // a stream shorter than the magic: store it as a bare upload rather than drop it
            ctx.pipeline().replace(this, "session", IngestSession.bare(ingest, idleTimeout, peerHost(ctx)));
        }
    }

    private void refuse(ChannelHandlerContext ctx, String why) {
        refused = true;
        ctx.channel().config().setAutoRead(false);
        Reply.refused(ingest.refuse(Refusal.BAD_REQUEST, why, null)).sendAndClose(ctx);
    }

    static String peerHost(ChannelHandlerContext ctx) {
        if (ctx.channel().remoteAddress() instanceof InetSocketAddress a) {
            String host = a.getAddress().getHostAddress();
            int zone = host.indexOf('%');
            return zone < 0 ? host : host.substring(0, zone);
        }
        return "unknown";
    }
}
