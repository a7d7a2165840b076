package io.vmcored.server.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/** First handler of every connection: counts it, and closes it at once beyond the connection limit. */
final class ConnectionCounter extends ChannelInboundHandlerAdapter {

    private final NetSettings net;
    private boolean counted;

    ConnectionCounter(NetSettings net) {
        this.net = net;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        counted = true;
        if (net.metrics().connectionOpened() > net.maxConnections()) {
            net.metrics().refused("busy");
            ctx.close();
            return;
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (counted) {
            counted = false;
            net.metrics().connectionClosed();
        }
        ctx.fireChannelInactive();
    }
}
