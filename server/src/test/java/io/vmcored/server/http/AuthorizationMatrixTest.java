package io.vmcored.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.protocol.testsupport.Fixtures;
import io.vmcored.server.config.ServerConfig;
import io.vmcored.server.daemon.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may do what, as one table: every HTTP route and TCP handshake verb against every kind of
 * token, on one real server, with real curl and busybox nc (docs/server.md, "Secure by default";
 * docs/protocol.md). Reading is the operator's alone; uploading host web1's dumps takes web1's
 * own token, the fleet token or the operator token, never another host's (db7's); the fleet token
 * does not start over a complete file; /healthz and /metrics are open; a bare TCP stream cannot
 * carry a token and is refused.
 */
class AuthorizationMatrixTest {

    private static final String OPERATOR = "operator-secret";
    private static final String FLEET = "fleet-upload-secret";
    private static final String WEB1 = "web1-host-secret";
    private static final String DB7 = "db7-host-secret";

    /** The columns of {@link #MATRIX}: the token a request carries. */
    private static final String[] KINDS = {"none", "other host", "own host", "fleet", "operator"};
    private static final String[] TOKENS = {null, DB7, WEB1, FLEET, OPERATOR};

    private static final String R401 = "401";
    private static final String REFUSED = "REFUSED unauthorized";
    private static final String BAD = "REFUSED bad_request";
    /** Not applicable: a bare stream has no place for a token. */
    private static final String NA = "-";

    /**
     * Request (as the client sends it; the subject host is web1) -> the answer for each token.
     * HTTP answers are status codes (a refusal's body says {@code "error":"unauthorized"}), TCP
     * answers the reply's first word (and reason). Rows run top to bottom, cells left to right:
     * the operator's DELETE is the last thing done to {victim}. {id} is a complete dump of web1,
     * "done" web1's client id of another, {new} a client id no cell used before.
     */
    private static final String[][] MATRIX = {
        // request                                         none      other host  own host   fleet     operator
        // reading: the operator's alone
        {"GET /api/v1/dumps",                              R401,     R401,       R401,      R401,     "200"},
        {"HEAD /api/v1/dumps",                             R401,     R401,       R401,      R401,     "200"},
        {"GET /api/v1/signatures",                         R401,     R401,       R401,      R401,     "200"},
        {"HEAD /api/v1/signatures",                        R401,     R401,       R401,      R401,     "200"},
        {"GET /api/v1/admission",                          R401,     R401,       R401,      R401,     "200"},
        {"PUT /api/v1/admission/hosts/web9",               R401,     R401,       R401,      R401,     "200"},
        {"DELETE /api/v1/admission/hosts/web9",            R401,     R401,       R401,      R401,     "200"},
        {"PUT /api/v1/admission/signatures/0123456789abcdef?extra=2", R401, R401, R401,   R401,     "200"},
        {"DELETE /api/v1/admission/signatures/0123456789abcdef", R401, R401,     R401,      R401,     "200"},
        {"GET /api/v1/dumps/{id}",                         R401,     R401,       R401,      R401,     "200"},
        {"HEAD /api/v1/dumps/{id}",                        R401,     R401,       R401,      R401,     "200"},
        {"GET /api/v1/dumps/{id}/vmcore",                  R401,     R401,       R401,      R401,     "200"},
        {"HEAD /api/v1/dumps/{id}/vmcore",                 R401,     R401,       R401,      R401,     "200"},
        {"GET /api/v1/dumps/{id}/manifest.json",           R401,     R401,       R401,      R401,     "200"},
        {"HEAD /api/v1/dumps/{id}/manifest.json",          R401,     R401,       R401,      R401,     "200"},
        {"GET /api/v1/dumps/{id}/files/vmcore",            R401,     R401,       R401,      R401,     "200"},
        {"HEAD /api/v1/dumps/{id}/files/vmcore",           R401,     R401,       R401,      R401,     "200"},
        {"GET /api/v1/uploads",                            R401,     R401,       R401,      R401,     "200"},
        {"GET /api/v1/hosts",                              R401,     R401,       R401,      R401,     "200"},
        {"GET /api/v1/stats/crashes",                      R401,     R401,       R401,      R401,     "200"},
        {"GET /api/v1/status",                             R401,     R401,       R401,      R401,     "200"},
        // the console: its files and who-am-I are open (no dump data), a login takes the operator's token only
        {"GET /",                                          "200",    "200",      "200",     "200",    "200"},
        {"GET /console/app.js",                            "200",    "200",      "200",     "200",    "200"},
        {"GET /console/session",                           "200",    "200",      "200",     "200",    "200"},
        {"POST /console/login",                            R401,     R401,       R401,      R401,     "200"},
        {"DELETE /api/v1/dumps/{victim}",                  R401,     R401,       R401,      R401,     "200"},
        // uploading web1's dumps: its own token, the fleet's or the operator's
        {"PUT /api/v1/dumps/web1?dump={new}",              R401,     R401,       "201",     "201",    "201"},
        {"PUT /api/v1/dumps/web1?dump=done",               R401,     R401,       "201",     R401,     "201"},
        // the catalog's own file is no upload's, whoever's token: written over, it broke the dump
        {"PUT /api/v1/dumps/web1?dump=done&file=manifest.json", "400", "400",    "400",     "400",    "400"},
        {"GET /api/v1/dumps/web1?dump=done",               R401,     R401,       "200",     "200",    "200"},
        {"HEAD /api/v1/dumps/web1?dump=done",              R401,     R401,       "200",     "200",    "200"},
        {"POST /api/v1/dumps/web1/end?dump=done",          R401,     R401,       "200",     "200",    "200"},
        {"TCP HELLO host=web1 dump=done",                  REFUSED,  REFUSED,    "OK",      "OK",     "OK"},
        {"TCP PUT host=web1 dump={new} offset=0",          REFUSED,  REFUSED,    "DONE",    "DONE",   "DONE"},
        {"TCP PUT host=web1 dump=done offset=0",           REFUSED,  REFUSED,    "DONE",    REFUSED,  "DONE"},
        {"TCP PUT host=web1 dump=done file=manifest.json offset=0", BAD, BAD,  BAD,       BAD,      BAD},
        {"TCP END host=web1 dump=done",                    REFUSED,  REFUSED,    "DONE",    "DONE",   "DONE"},
        {"TCP bare stream",                                "closed", NA,         NA,        NA,       NA},
        // open to anyone who reaches the port: a load balancer's probe, Prometheus
        {"GET /healthz",                                   "200",    "200",      "200",     "200",    "200"},
        {"HEAD /healthz",                                  "200",    "200",      "200",     "200",    "200"},
        {"GET /metrics",                                   "200",    "200",      "200",     "200",    "200"},
        {"HEAD /metrics",                                  "200",    "200",      "200",     "200",    "200"},
    };

    private static final String REFUSED_METRIC = "vmcored_uploads_refused_total{reason=\"unauthorized\"}";

    @TempDir
    Path tmp;

    @Test
    void everyRequestAgainstEveryToken() throws Exception {
        Path flat = Fixtures.stream("kdump-lzo-d31");
        Path notes = Files.writeString(tmp.resolve("notes.txt"), "{\"not\":\"a manifest\"}\n");
        ServerConfig c = TestServer.config(tmp);
        c.set("auth.operator-token", OPERATOR).set("auth.upload-token", FLEET)
                .set("auth.host-token.web1", WEB1).set("auth.host-token.db7", DB7);
        try (TestServer s = TestServer.start(c)) {
            for (String dump : new String[] {"seed", "victim", "done"}) {
                assertEquals("201", s.sh(String.format("curl -s -o /dev/null -w '%%{http_code}' -T %s -H 'X-Vmcored-Token: %s' "
                        + "\"http://127.0.0.1:$HTTP/api/v1/dumps/web1?dump=%s\"", flat, OPERATOR, dump)), "seeding " + dump);
            }
            String id = s.ctx().catalog().byClientId("web1", "seed").orElseThrow().id();
            String victim = s.ctx().catalog().byClientId("web1", "victim").orElseThrow().id();
            double refusedBefore = refused(s);

            List<String> wrong = new ArrayList<>();
            int refusedUploads = 0;
            int cell = 0;
            for (String[] row : MATRIX) {
                for (int k = 0; k < KINDS.length; k++) {
                    String expected = row[k + 1];
                    if (expected.equals(NA)) {
                        continue;
                    }
                    String request = row[0].replace("{id}", id).replace("{victim}", victim)
                            .replace("{new}", "new-" + cell++);
                    Path body = request.contains("file=") ? notes : flat; // a file beside the dump: a tiny plain one
                    String got = request.startsWith("TCP ") ? tcp(s, request, TOKENS[k], body)
                            : http(s, request, TOKENS[k], body);
                    if (!got.equals(expected)) {
                        wrong.add(row[0] + " with " + KINDS[k] + " token: expected " + expected + ", got " + got);
                    }
                    if (isUpload(row[0]) && (expected.equals(R401) || expected.equals(REFUSED) || expected.equals("closed"))) {
                        refusedUploads++;
                    }
                }
            }
            assertTrue(wrong.isEmpty(), wrong.size() + " cells of the matrix differ:\n" + String.join("\n", wrong));
            // refused reads are not uploads, and a malformed request is bad_request: each unauthorized upload counts once
            assertEquals(refusedUploads, refused(s) - refusedBefore, 0.0,
                    REFUSED_METRIC + " grew by the number of cells refused as unauthorized");
        }
    }

    /** Uploads of web1's dumps (HTTP routes below /dumps/web1, every TCP request); the rest are reads or open. */
    private static boolean isUpload(String request) {
        return request.startsWith("TCP ") || request.contains("/dumps/web1");
    }

    /** The status code; for a 401 with a body, "401" only if the body says why: unauthorized. */
    private String http(TestServer s, String request, String token, Path upload) throws Exception {
        String method = request.substring(0, request.indexOf(' '));
        String path = request.substring(method.length() + 1);
        Path body = tmp.resolve("body");
        Files.deleteIfExists(body);
        String how = switch (method) {
            case "HEAD" -> "-I";
            case "PUT" -> path.startsWith("/api/v1/admission/") ? "-X PUT" : "-T " + upload; // no body: the value is in the query
            default -> "-X " + method;
        };
        String auth = token == null ? "" : " -H 'Authorization: Bearer " + token + "'";
        String code = s.sh("curl -s -o " + body + " -w '%{http_code}' " + how + auth
                + " \"http://127.0.0.1:$HTTP" + path + "\"").trim();
        if (code.equals("401") && !method.equals("HEAD")) {
            String text = Files.readString(body);
            if (!text.matches("(?s).*\"error\"\\s*:\\s*\"unauthorized\".*")) {
                return "401 with body " + text;
            }
        }
        return code;
    }

    /** The reply's first word (with the reason of a refusal), or "closed" when the server sent nothing. */
    private static String tcp(TestServer s, String request, String token, Path upload) throws Exception {
        String reply;
        if (request.equals("TCP bare stream")) {
            // the server may close before nc has sent everything: nc's exit status (SIGPIPE) does not matter
            reply = s.sh("busybox nc 127.0.0.1 $PORT < " + upload + " || true");
        } else {
            String line = "VMCORED/1 " + request.substring(4) + (token == null ? "" : " token=" + token);
            String body = request.startsWith("TCP PUT ") ? "; cat " + upload : "";
            reply = s.sh("{ echo '" + line + "'" + body + "; } | busybox nc 127.0.0.1 $PORT");
        }
        if (reply.isBlank()) {
            return "closed";
        }
        String[] words = reply.trim().split(" ");
        if (words[0].equals("REFUSED") && words.length > 1 && words[1].startsWith("reason=")) {
            return "REFUSED " + words[1].substring("reason=".length());
        }
        return words[0];
    }

    private static double refused(TestServer s) throws Exception {
        Map<String, Double> m = PrometheusText.parse(s.sh("curl -s \"http://127.0.0.1:$HTTP/metrics\""));
        return m.getOrDefault(REFUSED_METRIC, 0.0);
    }
}
