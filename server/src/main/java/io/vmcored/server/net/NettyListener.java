package io.vmcored.server.net;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A listener on the shared event-loop group. Every connection's pipeline starts the same:
 * connection count -&gt; [tls] -&gt; idle timeout; the subclass adds its protocol's handlers.
 */
public abstract class NettyListener implements Listener {

    private final NetSettings net;
    private final int port;
    private final SslContext tls;
    private Channel server;

    /**
     * @param port the port to bind (0 = any free port)
     * @param tls  wraps every connection in TLS, or null
     */
    protected NettyListener(NetSettings net, int port, SslContext tls) {
        this.net = net;
        this.port = port;
        this.tls = tls;
    }

    /** Child socket options beyond the common ones. */
    protected void childOptions(ServerBootstrap b) {
    }

    /** Adds the protocol's handlers behind the common ones. */
    protected abstract void protocol(ChannelPipeline pipeline);

    @Override
    public final void start() throws Exception {
        long idle = net.idleTimeout().toMillis();
        ServerBootstrap b = new ServerBootstrap()
                .group(net.group())
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.SO_RCVBUF, 1 << 20)
                // pooled: reads of up to 1 MiB from many connections reuse arena memory instead of
                // allocating (and zeroing) fresh chunks (~10% more with 128 senders)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                // a fast sender fills reads of up to 1 MiB (fewer hand-offs to the file thread); an
                // idle or slow one keeps small buffers
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(4096, 65536, 1 << 20));
        childOptions(b);
        b.childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("count", new ConnectionCounter(net));
                        if (tls != null) {
                            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast("idle", new IdleStateHandler(idle, 0, 0, TimeUnit.MILLISECONDS));
                        protocol(ch.pipeline());
                    }
                });
        try {
            server = b.bind(new InetSocketAddress(net.bind(), port)).sync().channel();
        } catch (Exception e) {
            throw new BindFailure(name(), net.bind(), port, e);
        }
    }

    @Override
    public int port() {
        return server == null ? -1 : ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Closing the server channel stops accepting; the connections live on the shared group until it stops. */
    @Override
    public void stopAccepting() {
        close();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
    }
}
