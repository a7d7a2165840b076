package io.vmcored.server.tcp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslContext;
import io.vmcored.server.ingest.IngestService;
import io.vmcored.server.net.NetSettings;
import io.vmcored.server.net.NettyListener;
import java.time.Duration;

/**
 * Raw TCP ingest ({@code --ingest-port}): pipeline [tls] -&gt; idle timeout -&gt; preamble -&gt; session.
 * See docs/protocol.md.
 */
public final class TcpListener extends NettyListener {

    private final IngestService ingest;
    private final Duration idleTimeout;

    public TcpListener(NetSettings net, int port, SslContext tls, IngestService ingest) {
        super(net, port, tls);
        this.ingest = ingest;
        this.idleTimeout = net.idleTimeout();
    }

    @Override
    public String name() {
        return "tcp";
    }

    @Override
    protected void childOptions(ServerBootstrap b) {
        b.childOption(ChannelOption.ALLOW_HALF_CLOSURE, true); // a sender's EOF must not close our reply side
    }

    @Override
    protected void protocol(ChannelPipeline pipeline) {
        pipeline.addLast("preamble", new PreambleDecoder(ingest, idleTimeout));
    }
}
