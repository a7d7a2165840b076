package io.vmcored.agent;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay on loopback in front of a server that breaks the link once: the first
 * connection that carries more than {@code cutAfter} bytes from the client is closed
 * abruptly at that point (as a dying network would), every other connection is relayed
 * untouched. Lets a test drop an upload mid-stream without timing.
 */
final class CuttingProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final int targetPort;
    private final long cutAfter;
    private final AtomicBoolean cut = new AtomicBoolean();

    CuttingProxy(int targetPort, long cutAfter) throws IOException {
        this.listener = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        this.targetPort = targetPort;
        this.cutAfter = cutAfter;
        Thread t = new Thread(this::accept, "cutting-proxy");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Whether the one cut happened. */
    boolean didCut() {
        return cut.get();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                AtomicInteger open = new AtomicInteger(2);
                relay(client, server, true, open);
                relay(server, client, false, open);
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** One direction; only the client's may be cut, once. */
    private void relay(Socket from, Socket to, boolean mayCut, AtomicInteger open) {
        Relay.start(from, to, open, "cutting-proxy-relay", (total, next) -> mayCut && total + next > cutAfter
                && cut.compareAndSet(false, true) ? cutAfter - total : -1);
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
