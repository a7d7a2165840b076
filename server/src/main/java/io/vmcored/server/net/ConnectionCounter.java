package io.vmcored.server.net;

import io.vmcored.server.daemon.ServerContext;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/** First handler of every ingest connection: counts it, and closes it at once beyond the connection limit. */
public final class ConnectionCounter extends ChannelInboundHandlerAdapter {

    private final ServerContext server;
    private boolean counted;

    public ConnectionCounter(ServerContext server) {
        this.server = server;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        counted = true;
        if (server.metrics().connectionOpened() > server.config().maxConnections) {
            server.metrics().refused("busy");
            ctx.close();
            return;
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (counted) {
            counted = false;
            server.metrics().connectionClosed();
        }
        ctx.fireChannelInactive();
    }
}
