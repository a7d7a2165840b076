package io.vmcored.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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

    /** One direction; the pair is closed when both directions ended ({@code open} counts them). */
    private void relay(Socket from, Socket to, boolean mayCut, AtomicInteger open) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buf)) > 0) {
                    if (mayCut && total + n > cutAfter && cut.compareAndSet(false, true)) {
                        out.write(buf, 0, (int) (cutAfter - total));
                        out.flush();
                        from.setSoLinger(true, 0); // RST, not a clean end of stream
                        from.close();
                        to.setSoLinger(true, 0);
                        to.close();
                        return;
                    }
                    out.write(buf, 0, n);
                    total += n;
                }
                to.shutdownOutput(); // pass the half-close on (ssh's end of input)
                if (open.decrementAndGet() == 0) {
                    closeQuietly(from);
                    closeQuietly(to);
                }
            } catch (IOException e) {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "cutting-proxy-relay");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
