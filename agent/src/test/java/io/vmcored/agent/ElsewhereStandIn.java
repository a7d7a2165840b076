package io.vmcored.agent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * For the agent's side of the wire contract only: a loopback TCP listener that answers the
 * first {@code refusals} requests with a fixed reply line (a {@code REFUSED reason=elsewhere}
 * as a collector of a shared catalog sends it) and relays every later connection, request
 * line included, to a real vmcored. The collectors' own lease logic is not here: it is tested
 * where the shared catalog is.
 */
final class ElsewhereStandIn implements AutoCloseable {

    private final ServerSocket listener;
    private final int targetPort;
    private final String reply;
    private final AtomicInteger refusals;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    ElsewhereStandIn(int targetPort, String reply, int refusals) throws IOException {
        this.listener = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        this.targetPort = targetPort;
        this.reply = reply;
        this.refusals = new AtomicInteger(refusals);
        Thread t = new Thread(this::accept, "elsewhere-stand-in");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** The request lines received, in order (refused and relayed). */
    List<String> requests() {
        return List.copyOf(requests);
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Thread t = new Thread(() -> serve(client), "elsewhere-stand-in-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket client) {
        try {
            byte[] line = firstLine(client.getInputStream());
            requests.add(new String(line, StandardCharsets.US_ASCII).strip());
            if (refusals.getAndDecrement() > 0) {
                client.getOutputStream().write((reply + "\n").getBytes(StandardCharsets.US_ASCII));
                client.close();
                return;
            }
            Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
            server.getOutputStream().write(line);
            AtomicInteger open = new AtomicInteger(2);
            relay(client, server, open);
            relay(server, client, open);
        } catch (IOException e) {
            Relay.closeQuietly(client);
        }
    }

    /** The request line with its newline, read a byte at a time so nothing after it is consumed. */
    private static byte[] firstLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            line.write(b);
            if (b == '\n' || line.size() > 1024) {
                break;
            }
        }
        return line.toByteArray();
    }

    private static void relay(Socket from, Socket to, AtomicInteger open) {
        Relay.start(from, to, open, "elsewhere-stand-in-relay", Relay.NEVER);
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
