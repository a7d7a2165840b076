package io.vmcored.server.http;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.ssl.SslContext;
import io.vmcored.server.net.NetSettings;
import io.vmcored.server.net.NettyListener;

/**
 * HTTP API ({@code --http-port}): pipeline [tls] -&gt; idle timeout -&gt; codec -&gt; {@link HttpSession}.
 * Bodies are streamed (never aggregated): a PUT's chunks go straight to the upload pump.
 */
public final class HttpListener extends NettyListener {

    private final HttpApi api;

    public HttpListener(NetSettings net, int port, SslContext tls, HttpApi api) {
        super(net, port, tls);
        this.api = api;
    }

    @Override
    public String name() {
        return "http";
    }

    /** Event streams never end by themselves: a graceful stop ends them with the listener. */
    @Override
    public void stopAccepting() {
        super.stopAccepting();
        api.console().events().close();
    }

    @Override
    public void close() {
        super.close();
        api.console().events().close();
    }

    @Override
    protected void protocol(ChannelPipeline pipeline) {
        pipeline.addLast("codec", new HttpServerCodec(4096, 16384, 1 << 16));
        pipeline.addLast("continue", new HttpServerExpectContinueHandler());
        pipeline.addLast("session", new HttpSession(api));
    }
}
