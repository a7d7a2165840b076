package io.vmcored.server.ssh.auth;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.apache.sshd.server.session.ServerSession;

/** A session's peer as logs name it: the address without port. */
final class Peers {

    private Peers() {
    }

    static String address(ServerSession session) {
        SocketAddress a = session == null ? null : session.getClientAddress();
        return a instanceof InetSocketAddress inet && inet.getAddress() != null ? inet.getAddress().getHostAddress()
                : String.valueOf(a);
    }
}
