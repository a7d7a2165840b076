package io.vmcored.server.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.vmcored.server.server.ConnectionCounter;
import io.vmcored.server.server.Listener;
import io.vmcored.server.server.ServerContext;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * HTTP API ({@code --http-port}): pipeline [tls] -&gt; codec -&gt; idle timeout -&gt; {@link HttpSession}.
 * Bodies are streamed (never aggregated): a PUT's chunks go straight to the upload pump.
 */
public final class HttpListener implements Listener {

    private Channel server;

    @Override
    public String name() {
        return "http";
    }

    @Override
    public void start(ServerContext ctx) throws Exception {
        boolean tls = ctx.tls() != null && ctx.config().tlsHttp;
        long idle = ctx.config().idleTimeout.toMillis();
        server = new ServerBootstrap()
                .group(ctx.group())
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.SO_RCVBUF, 1 << 20)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("count", new ConnectionCounter(ctx));
                        if (tls) {
                            ch.pipeline().addLast("tls", ctx.tls().newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast("codec", new HttpServerCodec(4096, 16384, 1 << 16));
                        ch.pipeline().addLast("continue", new HttpServerExpectContinueHandler());
                        ch.pipeline().addLast("chunks", new ChunkedWriteHandler());
                        ch.pipeline().addLast("idle", new IdleStateHandler(idle, 0, 0, TimeUnit.MILLISECONDS));
                        ch.pipeline().addLast("session", new HttpSession(ctx));
                    }
                })
                .bind(new InetSocketAddress(ctx.config().bind, ctx.config().httpPort)).sync().channel();
    }

    @Override
    public int port() {
        return server == null ? -1 : ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
    }
}
