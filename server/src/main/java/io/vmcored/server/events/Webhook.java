package io.vmcored.server.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.vmcored.server.catalog.ManifestIo;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * POSTs an event as JSON (the {@link DumpEvent} fields) to the operator's URL with the
 * JDK HTTP client. Each attempt has the configured timeout; connection errors, timeouts,
 * 429 and 5xx answers are retried after 1 s, 2 s, ...; any other answer is final.
 */
final class Webhook {

    private static final int MAX_ANSWER = 200;

    private final URI url;
    private final Duration timeout;
    private final int retries;
    private final String token;
    private final HttpClient client;

    Webhook(URI url, Duration timeout, int retries, String token) {
        this.url = url;
        this.timeout = timeout;
        this.retries = retries;
        this.token = token;
        this.client = HttpClient.newBuilder().connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Delivers {@code e} (blocking: the events executor only). */
    HookResult post(DumpEvent e) {
        long t0 = System.nanoTime();
        byte[] body;
        try {
            body = ManifestIo.json().writeValueAsBytes(e);
        } catch (JsonProcessingException ex) {
            return new HookResult(HookResult.FAILED, "cannot encode the event: " + ex.getMessage(), 0, "");
        }
        HttpRequest.Builder rb = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "vmcored")
                .header("X-Vmcored-Event", e.event())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (!token.isEmpty()) {
            rb.header("Authorization", "Bearer " + token);
        }
        HttpRequest req = rb.build();
        HookResult last = null;
        for (int attempt = 0; attempt <= retries; attempt++) {
            if (attempt > 0 && !pause(attempt)) {
                break;
            }
            last = once(req, t0, attempt + 1);
            if (last.outcome().equals(HookResult.OK) || !retryable(last)) {
                return last;
            }
        }
        return last;
    }

    private HookResult once(HttpRequest req, long t0, int attempt) {
        String tries = attempt > 1 ? " after " + attempt + " attempts" : "";
        try {
            HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString());
            String answer = r.body() == null ? "" : r.body();
            answer = HookResult.oneLine(answer.length() > MAX_ANSWER ? answer.substring(0, MAX_ANSWER) + "..." : answer);
            int code = r.statusCode();
            return new HookResult(code / 100 == 2 ? HookResult.OK : HookResult.FAILED, "HTTP " + code + tries,
                    elapsed(t0), answer);
        } catch (HttpTimeoutException ex) {
            return new HookResult(HookResult.TIMEOUT, "no answer within " + timeout.toMillis() + "ms" + tries,
                    elapsed(t0), "");
        } catch (IOException ex) {
            return new HookResult(HookResult.FAILED, "cannot reach " + url + ": " + ex + tries, elapsed(t0), "");
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return new HookResult(HookResult.FAILED, "interrupted (server stopping)", elapsed(t0), "");
        }
    }

    private static boolean retryable(HookResult r) {
        return !r.detail().startsWith("HTTP ") || r.detail().startsWith("HTTP 5") || r.detail().startsWith("HTTP 429");
    }

    private static boolean pause(int attempt) {
        try {
            Thread.sleep(1000L * attempt);
            return true;
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static long elapsed(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
