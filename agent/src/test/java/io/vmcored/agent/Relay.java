package io.vmcored.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One direction of a loopback relay between a client and a server, on a thread of its own:
 * bytes pass until the end of stream, whose half-close is passed on; the pair of sockets is
 * closed when both directions ended ({@code open} counts them). A {@link Cut} may break the
 * link abruptly (RST) at a byte count, as a dying network would.
 */
final class Relay {

    /** Where to break the link: the bytes to pass before it breaks, or -1 to pass on. */
    interface Cut {
        long at(long total, int next);
    }

    static final Cut NEVER = (total, next) -> -1;

    private Relay() {
    }

    static void start(Socket from, Socket to, AtomicInteger open, String name, Cut cut) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buf)) > 0) {
                    long keep = cut.at(total, n);
                    if (keep >= 0) {
                        out.write(buf, 0, (int) keep);
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
                to.shutdownOutput(); // pass the half-close on (the sender's end of input)
                if (open.decrementAndGet() == 0) {
                    closeQuietly(from);
                    closeQuietly(to);
                }
            } catch (IOException e) {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }

    static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already gone
        }
    }
}
