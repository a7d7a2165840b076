package io.vmcored.server.tcp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.vmcored.server.server.ConnectionCounter;
import io.vmcored.server.server.Listener;
import io.vmcored.server.server.ServerContext;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Raw TCP ingest ({@code --ingest-port}): pipeline [tls] -&gt; idle timeout -&gt; preamble -&gt; session.
 * See docs/protocol.md.
 */
public final class TcpListener implements Listener {

    private Channel server;

    @Override
    public String name() {
        return "tcp";
    }

    @Override
    public void start(ServerContext ctx) throws Exception {
        boolean tls = ctx.tls() != null && ctx.config().tlsIngest;
        long idle = ctx.config().idleTimeout.toMillis();
        server = new ServerBootstrap()
                .group(ctx.group())
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.SO_RCVBUF, 1 << 20)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("count", new ConnectionCounter(ctx));
                        if (tls) {
                            ch.pipeline().addLast("tls", ctx.tls().newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast("idle", new IdleStateHandler(idle, 0, 0, TimeUnit.MILLISECONDS));
                        ch.pipeline().addLast("preamble", new PreambleDecoder(ctx));
                    }
                })
                .bind(new InetSocketAddress(ctx.config().bind, ctx.config().ingestPort)).sync().channel();
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
