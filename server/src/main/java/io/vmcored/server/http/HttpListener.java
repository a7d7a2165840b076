package io.vmcored.server.http;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.vmcored.server.net.NettyListener;
import io.vmcored.server.daemon.ServerContext;

/**
 * HTTP API ({@code --http-port}): pipeline [tls] -&gt; idle timeout -&gt; codec -&gt; {@link HttpSession}.
 * Bodies are streamed (never aggregated): a PUT's chunks go straight to the upload pump.
 */
public final class HttpListener extends NettyListener {

    @Override
    public String name() {
        return "http";
    }

    @Override
    protected int configuredPort(ServerContext ctx) {
        return ctx.config().httpPort;
    }

    @Override
    protected boolean tls(ServerContext ctx) {
        return ctx.tls() != null && ctx.config().tlsHttp;
    }

    @Override
    protected void protocol(ChannelPipeline pipeline, ServerContext ctx) {
        pipeline.addLast("codec", new HttpServerCodec(4096, 16384, 1 << 16));
        pipeline.addLast("continue", new HttpServerExpectContinueHandler());
        pipeline.addLast("session", new HttpSession(ctx));
    }
}
