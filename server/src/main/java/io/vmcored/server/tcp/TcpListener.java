package io.vmcored.server.tcp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.vmcored.server.net.NettyListener;
import io.vmcored.server.daemon.ServerContext;

/**
 * Raw TCP ingest ({@code --ingest-port}): pipeline [tls] -&gt; idle timeout -&gt; preamble -&gt; session.
 * See docs/protocol.md.
 */
public final class TcpListener extends NettyListener {

    @Override
    public String name() {
        return "tcp";
    }

    @Override
    protected int configuredPort(ServerContext ctx) {
        return ctx.config().ingestPort;
    }

    @Override
    protected boolean tls(ServerContext ctx) {
        return ctx.tls() != null && ctx.config().tlsIngest;
    }

    @Override
    protected void childOptions(ServerBootstrap b) {
        b.childOption(ChannelOption.ALLOW_HALF_CLOSURE, true); // a sender's EOF must not close our reply side
    }

    @Override
    protected void protocol(ChannelPipeline pipeline, ServerContext ctx) {
        pipeline.addLast("preamble", new PreambleDecoder(ctx));
    }
}
