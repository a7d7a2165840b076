import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Timing client for bench/catalog-bench.sh: sequential requests against one or more vmcored
 * servers, each on a fresh connection (the server closes after every answer), timed from
 * connect to the server's close. Kinds, interleaved request by request and server by server,
 * so that a drift of this shared machine's speed falls on all alike:
 * <ul>
 *   <li>{@code list}: GET /api/v1/dumps?limit=50</li>
 *   <li>{@code host}: ...&amp;host=H, H cycling through SPOOL.hosts</li>
 *   <li>{@code state+signature}: ...&amp;state=complete&amp;signature=S, S cycling through SPOOL.signatures</li>
 *   <li>{@code hello}: {@code VMCORED/1 HELLO host=H dump=ID} on the ingest port for dumps in SPOOL.clients</li>
 * </ul>
 * Plain sockets, no HTTP client library: the client's own cost stays a few microseconds.
 * Any answer other than 200 / {@code OK id=<a catalog id>} fails the run.
 *
 * <p>Usage: java bench/CatalogProbe.java WARMUP REQUESTS LABEL:HTTP_PORT:TCP_PORT:SPOOL...
 * <br>Prints one line per server and kind: {@code label kind p50_ms p99_ms requests}.
 */
public class CatalogProbe {

    static final String[] KINDS = {"list", "host", "state+signature", "hello"};

    record Target(String label, int http, int tcp, List<String> hosts, List<String> sigs, List<String> clients) {
        static Target parse(String arg) throws IOException {
            String[] f = arg.split(":", 4);
            return new Target(f[0], Integer.parseInt(f[1]), Integer.parseInt(f[2]), lines(f[3] + ".hosts"),
                    lines(f[3] + ".signatures"), lines(f[3] + ".clients"));
        }

        void request(int kind, int n) throws IOException {
            switch (kind) {
                case 0 -> get(http, "/api/v1/dumps?limit=50");
                case 1 -> get(http, "/api/v1/dumps?limit=50&host=" + hosts.get(n % hosts.size()));
                case 2 -> get(http, "/api/v1/dumps?limit=50&state=complete&signature=" + sigs.get(n % sigs.size()));
                default -> hello(tcp, clients.get(n % clients.size()));
            }
        }
    }

    public static void main(String[] args) throws Exception {
        int warmup = Integer.parseInt(args[0]);
        int requests = Integer.parseInt(args[1]);
        List<Target> targets = new ArrayList<>();
        for (int a = 2; a < args.length; a++) {
            targets.add(Target.parse(args[a]));
        }
        long[][][] nanos = new long[targets.size()][KINDS.length][requests];
        for (int i = -warmup; i < requests; i++) {
            int n = Math.floorMod(i * 7919, 1 << 30); // spread over the samples, same sequence every run
            for (int k = 0; k < KINDS.length; k++) {
                for (int t = 0; t < targets.size(); t++) {
                    long t0 = System.nanoTime();
                    targets.get(t).request(k, n);
                    long took = System.nanoTime() - t0;
                    if (i >= 0) {
                        nanos[t][k][i] = took;
                    }
                }
            }
        }
        for (int t = 0; t < targets.size(); t++) {
            for (int k = 0; k < KINDS.length; k++) {
                long[] a = nanos[t][k];
                Arrays.sort(a);
                System.out.printf(Locale.ROOT, "%s %s %.3f %.3f %d%n", targets.get(t).label(), KINDS[k], a[a.length / 2] / 1e6,
                        a[(int) Math.ceil(a.length * 0.99) - 1] / 1e6, a.length);
            }
        }
    }

    static void get(int port, String path) throws IOException {
        String answer = exchange(port, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        if (!answer.startsWith("HTTP/1.1 200") || !answer.contains("\"items\"")) {
            throw new IllegalStateException("GET " + path + ": " + answer.substring(0, Math.min(300, answer.length())));
        }
    }

    static void hello(int port, String client) throws IOException {
        String[] hc = client.split(" ");
        String answer = exchange(port, "VMCORED/1 HELLO host=" + hc[0] + " dump=" + hc[1] + "\n");
        if (!answer.startsWith("OK id=" + hc[0] + "@")) {
            throw new IllegalStateException("HELLO host=" + hc[0] + " dump=" + hc[1] + ": " + answer);
        }
    }

    /** Sends the request, reads until the server closes. */
    static String exchange(int port, String request) throws IOException {
        try (Socket s = new Socket()) {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream(32 << 10);
            byte[] buf = new byte[64 << 10];
            for (int n; (n = in.read(buf)) > 0; ) {
                got.write(buf, 0, n);
            }
            return got.toString(StandardCharsets.UTF_8);
        }
    }

    static List<String> lines(String file) throws IOException {
        List<String> out = new ArrayList<>();
        for (String l : Files.readAllLines(Path.of(file))) {
            if (!l.isBlank()) {
                out.add(l.trim());
            }
        }
        if (out.isEmpty()) {
            throw new IllegalStateException(file + " is empty");
        }
        return out;
    }
}
