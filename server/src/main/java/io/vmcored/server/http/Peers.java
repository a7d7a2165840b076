package io.vmcored.server.http;

import io.netty.channel.ChannelHandlerContext;
import java.net.InetSocketAddress;

/** A connection's peer as logs name it: the address without port or zone. */
final class Peers {

    private Peers() {
    }

    static String of(ChannelHandlerContext ctx) {
        if (ctx.channel().remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null) {
            String host = a.getAddress().getHostAddress();
            int zone = host.indexOf('%');
            return zone < 0 ? host : host.substring(0, zone);
        }
        return String.valueOf(ctx.channel().remoteAddress());
    }
}
