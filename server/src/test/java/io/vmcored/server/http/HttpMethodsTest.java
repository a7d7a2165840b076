package io.vmcored.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmcored.server.catalog.DumpRecord;
import io.vmcored.server.config.ServerConfig;
import io.vmcored.server.daemon.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Methods by curl against a real server: HEAD mirrors every GET route, a wrong method is a 405 with Allow. */
class HttpMethodsTest {

    private static final String OP = "operator-secret-1";
    private static final String AUTH = " -H 'Authorization: Bearer " + OP + "' ";

    @TempDir
    Path tmp;

    @Test
    void headAnswersWhatGetWouldWithoutTheBody() throws Exception {
        ServerConfig c = TestServer.config(tmp);
        c.operatorToken = OP;
        try (TestServer s = TestServer.start(c)) {
            DumpRecord r = DumpRoutesTest.stored(s, "m1");
            String root = "http://127.0.0.1:" + s.http();
            String dump = "/api/v1/dumps/" + r.id();
            for (String path : List.of("/healthz", "/api/v1/dumps", "/api/v1/dumps?host=web1", "/api/v1/signatures", dump,
                    dump + "/vmcore", dump + "/manifest.json", dump + "/files/vmcore", "/api/v1/dumps/web1?dump=m1",
                    "/api/v1/dumps?host=nobody", dump + "/files/nope", "/api/v1/dumps/web1@nope")) {
                Path body = tmp.resolve("body");
                String get = s.sh("curl -sS -D - -o " + body + AUTH + "'" + root + path + "'");
                String head = s.sh("curl -sS -I" + AUTH + "'" + root + path + "'");
                assertEquals(get.lines().findFirst().orElseThrow(), head.lines().findFirst().orElseThrow(),
                        "HEAD " + path + ": the GET's status");
                assertEquals(String.valueOf(Files.size(body)), HttpApiTest.header(head, "content-length"),
                        "HEAD " + path + ": Content-Length of the GET's body\n" + head);
                assertEquals(HttpApiTest.header(get, "content-type"), HttpApiTest.header(head, "content-type"),
                        "HEAD " + path + ": the GET's Content-Type");
            }
            String metrics = s.sh("curl -sS -I '" + root + "/metrics'");
            assertTrue(metrics.startsWith("HTTP/1.1 200") && HttpApiTest.header(metrics, "content-type").startsWith("text/plain"),
                    "HEAD /metrics: " + metrics);
        }
    }

    @Test
    void aWrongMethodOnAKnownPathIs405NamingTheRightOnes() throws Exception {
        ServerConfig c = TestServer.config(tmp);
        c.operatorToken = OP;
        try (TestServer s = TestServer.start(c)) {
            String root = "http://127.0.0.1:" + s.http();
            String dump = "/api/v1/dumps/web1@2026-11-23-10:00:01";
            String[][] cases = {
                {"DELETE", "/healthz", "GET, HEAD"},
                {"POST", "/metrics", "GET, HEAD"},
                {"POST", "/api/v1/dumps", "GET, HEAD"},
                {"PUT", "/api/v1/signatures", "GET, HEAD"},
                {"DELETE", "/api/v1/dumps/web1", "PUT, GET, HEAD"},
                {"GET", "/api/v1/dumps/web1/end", "POST"},
                {"PUT", dump, "GET, HEAD, DELETE"},
                {"DELETE", dump + "/vmcore", "GET, HEAD"},
                {"PUT", dump + "/manifest.json", "GET, HEAD"},
                {"POST", dump + "/files/vmcore", "GET, HEAD"},
            };
            for (String[] t : cases) {
                Path body = tmp.resolve("body");
                String headers = s.sh("curl -sS -D - -o " + body + " -X " + t[0] + AUTH + "'" + root + t[1] + "'");
                assertTrue(headers.startsWith("HTTP/1.1 405"), t[0] + " " + t[1] + ": " + headers);
                assertEquals(t[2], HttpApiTest.header(headers, "allow"), t[0] + " " + t[1] + ": Allow");
                JsonNode err = HttpApiTest.json(Files.readString(body));
                assertEquals("method_not_allowed", err.get("error").asText(), err.toString());
                List<String> named = new ArrayList<>();
                err.get("allow").forEach(m -> named.add(m.asText()));
                assertEquals(List.of(t[2].split(", ")), named, t[0] + " " + t[1] + ": the body names the methods: " + err);
            }
            for (String path : List.of("/nothing", "/api/v1/nothing", "/api/v1/dumps/web1/vmcore", dump + "/other",
                    dump + "/files/a/b", dump + "/files", "/api/v1/dumps/web1/end/x")) {
                assertEquals("404", s.sh("curl -s -o /dev/null -w '%{http_code}' -X DELETE" + AUTH + "'" + root + path + "'"),
                        "DELETE " + path + ": an unknown path stays a 404");
            }
        }
    }
}
