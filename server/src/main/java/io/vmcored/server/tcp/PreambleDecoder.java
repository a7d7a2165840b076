package io.vmcored.server.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.vmcored.protocol.rearrange.ContentKind;
import io.vmcored.server.ingest.IngestService;
import io.vmcored.server.ingest.Refusal;
import io.vmcored.server.ingest.RefusedException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * First handler of an ingest connection: tells a handshake ({@code VMCORED/1 ...\n}) from a
 * bare stream (anything else, e.g. {@code makedumpfile} from {@code nc host port < stream})
 * and replaces itself with an {@link IngestSession}. Holds at most
 * {@link HandshakeRequest#MAX_LINE} bytes; the bytes after the line go on to the session.
 * <pre>
 * VMCORED/1 PUT ...\n | stream    -&gt; handshake session, gets "stream"
 * head (12 bytes or up to EOF) ... -&gt; sniffed; a dump: bare session, gets "head ..."
 *                                    anything else: refused (not_a_dump), closed, nothing sent
 * </pre>
 */
final class PreambleDecoder extends ByteToMessageDecoder {

    private static final byte[] MAGIC = HandshakeRequest.MAGIC.getBytes(StandardCharsets.US_ASCII);

    private final IngestService ingest;
    private final Duration idleTimeout;
    /** Refused (a bare stream, a request line): what still arrives, a PUT's body say, is dropped. */
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
                bare(ctx, in, false);
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
        if (refused || ctx.pipeline().get(PreambleDecoder.class) != this) {
            return;
        }
        if (in.isReadable()) {
            // ended before a whole head or request line: judged by what did arrive
            bare(ctx, in, true);
        } else {
            // ended without a byte (a port scan, a health check): nothing to answer. With half
            // closure on, nothing else would close it: it held a connection slot until the idle timeout
            ctx.close();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent && !refused) {
            // a sender that stopped before its head or request line was whole: judged by what arrived
            ByteBuf held = internalBuffer();
            if (held.isReadable()) {
                bare(ctx, held, true);
            } else {
                ctx.close();
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    /**
     * A bare stream: once its first {@link ContentKind#SNIFF_BYTES} are here (or it ended), the
     * ingest service says whether it may be stored; the head stays in {@code in} for the session.
     */
    private void bare(ChannelHandlerContext ctx, ByteBuf in, boolean ended) {
        int n = Math.min(in.readableBytes(), ContentKind.SNIFF_BYTES);
        if (n < ContentKind.SNIFF_BYTES && !ended) {
            return;
        }
        ByteBuffer head = in.nioBuffer(in.readerIndex(), n);
        String peer = peerHost(ctx);
        try {
            ingest.admitBare(peer, ContentKind.sniff(head.duplicate()), n, () -> BareHead.describe(head));
        } catch (RefusedException e) {
            refused = true;
            in.skipBytes(in.readableBytes());
            ctx.channel().config().setAutoRead(false);
            ctx.close(); // a bare sender reads nothing
            return;
        }
        ctx.pipeline().replace(this, "session", IngestSession.bare(ingest, idleTimeout, peer));
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
