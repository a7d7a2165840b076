package io.vmcored.server.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a capture kernel runs to send a dump, as shell pipelines of the real tools: busybox nc
 * for the handshake protocol (docs/protocol.md), curl for the HTTP API (docs/server.md).
 */
final class Senders {

    static final Duration TIMEOUT = Duration.ofSeconds(120);

    private Senders() {
    }

    /** {@code VMCORED/1 HELLO}: the reply's fields, plus {@code status} (OK, REFUSED, ...). */
    static Map<String, String> hello(int port, String host, String dump) throws IOException, InterruptedException {
        Client.Result r = Client.sh("echo 'VMCORED/1 HELLO host=" + host + " dump=" + dump + "' | busybox nc 127.0.0.1 "
                + port, TIMEOUT);
        assertEquals(0, r.exit(), "busybox nc HELLO: " + r);
        return fields(r.out());
    }

    /** {@code VMCORED/1 PUT ... offset=N} with the stream from byte N: the reply line. */
    static String put(int port, String host, String dump, long offset, Path flat) throws IOException, InterruptedException {
        Client.Result r = Client.sh("{ echo 'VMCORED/1 " + putLine(host, dump, offset) + "'; tail -c +" + (offset + 1) + " "
                + flat + "; } | busybox nc 127.0.0.1 " + port, TIMEOUT);
        return r.out().strip();
    }

    static String putLine(String host, String dump, long offset) {
        return "PUT host=" + host + " dump=" + dump + " offset=" + offset + " level=31 compress=zlib";
    }

    /** busybox nc reading the request and stream from its stdin (the test feeds it). */
    static List<String> nc(int port) {
        return List.of("busybox", "nc", "127.0.0.1", String.valueOf(port));
    }

    /** The reply line's words as key=value pairs; {@code status} is the first word. */
    static Map<String, String> fields(String reply) {
        Map<String, String> f = new HashMap<>();
        String line = reply.strip();
        int msg = line.indexOf(" message=");
        if (msg >= 0) {
            f.put("message", line.substring(msg + 9));
            line = line.substring(0, msg);
        }
        String[] words = line.split(" ");
        f.put("status", words[0]);
        for (int i = 1; i < words.length; i++) {
            int eq = words[i].indexOf('=');
            if (eq > 0) {
                f.put(words[i].substring(0, eq), words[i].substring(eq + 1));
            }
        }
        return f;
    }

    static String url(int httpPort, String host, String dump) {
        return "http://127.0.0.1:" + httpPort + "/api/v1/dumps/" + host + "?dump=" + dump;
    }

    /** curl streaming its stdin as the body of a PUT (chunked), printing the JSON answer and then the status code. */
    static List<String> curlPut(int httpPort, String host, String dump) {
        return List.of("curl", "-sS", "-w", "\n%{http_code}", "-T", "-", url(httpPort, host, dump) + "&level=31&compress=zlib");
    }

    /** {@code HEAD ?dump=ID}: the response headers, names in lower case. */
    static Map<String, String> head(int httpPort, String host, String dump) throws IOException, InterruptedException {
        Client.Result r = Client.sh("curl -sS -I '" + url(httpPort, host, dump) + "'", TIMEOUT);
        assertEquals(0, r.exit(), "curl -I: " + r);
        Map<String, String> h = new HashMap<>();
        for (String line : r.out().split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                h.put(line.substring(0, colon).trim().toLowerCase(), line.substring(colon + 1).trim());
            } else if (line.startsWith("HTTP/")) {
                h.put("status", line.split(" ")[1]);
            }
        }
        return h;
    }

    /** The answer of an HTTP upload: status code and JSON body. */
    record HttpAnswer(int code, String body) {
        JsonNode json() {
            return Spool.json(body);
        }
    }

    /** {@code tail -c +N+1 FLAT | curl -T - ...&offset=N}. */
    static HttpAnswer httpPut(int httpPort, String host, String dump, long offset, Path flat)
            throws IOException, InterruptedException {
        Client.Result r = Client.sh("tail -c +" + (offset + 1) + " " + flat + " | curl -sS -w '\\n%{http_code}' -T - '"
                + url(httpPort, host, dump) + (offset > 0 ? "&offset=" + offset : "") + "'", TIMEOUT);
        return answer(r);
    }

    /** Splits curl's output of {@link #curlPut} (body, newline, status code). */
    static HttpAnswer answer(Client.Result r) {
        String out = r.out();
        int nl = out.lastIndexOf('\n');
        String code = out.substring(nl + 1).strip();
        if (!code.matches("\\d{3}")) {
            throw new AssertionError("no HTTP status from curl: " + r);
        }
        return new HttpAnswer(Integer.parseInt(code), nl < 0 ? "" : out.substring(0, nl));
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
