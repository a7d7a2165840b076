package io.vmcored.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmcored.server.catalog.DumpRecord;
import io.vmcored.server.catalog.Transport;
import io.vmcored.server.daemon.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /api/v1/dumps through curl: pages newest first with cursors, filters, and a 400 for every bad parameter. */
class DumpListingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void pagesGiveEveryDumpOnceNewestFirstAndFiltersNarrowThem() throws Exception {
        try (TestServer s = TestServer.start(tmp)) {
            List<String> newestFirst = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                DumpRecord r = s.ctx().catalog().create(i % 2 == 0 ? "web1" : "web2", Transport.HTTP, "boot-" + i);
                if (i == 4) {
                    r.reject("test: refused");
                } else {
                    r.fail("test: nothing sent");
                }
                newestFirst.add(0, r.id());
                Thread.sleep(2); // distinct arrival times
            }
            List<String> seen = new ArrayList<>();
            String next = null;
            int pages = 0;
            do {
                JsonNode page = get(s, "limit=3" + (next == null ? "" : "&cursor=" + next), 200);
                assertEquals(7, page.get("total").asInt(), "total on every page: " + page);
                page.get("items").forEach(d -> seen.add(d.get("id").asText()));
                next = page.get("next").isNull() ? null : page.get("next").asText();
                pages++;
            } while (next != null && pages < 10);
            assertEquals(newestFirst, seen, "pages of 3: each dump once, newest first");
            assertEquals(3, pages, "7 dumps in pages of 3");

            JsonNode web1 = get(s, "host=web1&state=incomplete", 200);
            assertEquals(3, web1.get("total").asInt(), "web1's incomplete dumps (one of its four was rejected): " + web1);
            assertEquals(List.of(newestFirst.get(0), newestFirst.get(4), newestFirst.get(6)), ids(web1), "web1, newest first");
            JsonNode item = web1.get("items").get(0);
            assertEquals("incomplete", item.get("state").asText(), "state by its wire name: " + item);
            assertEquals("http", item.get("transport").asText(), "transport");
            assertTrue(item.get("created").asText().matches("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z"), "ISO-8601 created: " + item);
            assertEquals("test: nothing sent", item.get("problem").asText(), "problem");
            JsonNode rejected = get(s, "state=rejected", 200);
            assertEquals(List.of(newestFirst.get(2)), ids(rejected), "state=rejected");
            JsonNode none = get(s, "since=2099-01-01T00:00:00Z", 200);
            assertEquals(0, none.get("total").asInt(), "a time range without dumps is an empty page, not an error");
        }
    }

    @Test
    void badParametersAre400sNamingTheParameterAndTheValue() throws Exception {
        try (TestServer s = TestServer.start(tmp)) {
            s.ctx().catalog().create("web1", Transport.HTTP, "boot-1").fail("test");
            Map<String, String> cases = Map.ofEntries(
                    Map.entry("hots=web1", "unknown query parameter \"hots\" (value \"web1\")"),
                    Map.entry("state=done", "state \"done\": expected one of receiving, complete, incomplete, rejected"),
                    Map.entry("host=web9", "host \"web9\": no dump of this host in the catalog"),
                    Map.entry("signature=0123456789abcdef", "signature \"0123456789abcdef\": no dump with this crash signature"),
                    Map.entry("kernel=6.1.0-99-amd64", "kernel \"6.1.0-99-amd64\": no dump of this kernel release"),
                    Map.entry("since=yesterday", "since \"yesterday\": expected an ISO-8601 instant"),
                    Map.entry("until=2026-13-01T00:00:00Z", "until \"2026-13-01T00:00:00Z\": expected an ISO-8601 instant"),
                    Map.entry("since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z",
                            "since 2026-02-01T00:00:00Z is after until 2026-01-01T00:00:00Z"),
                    Map.entry("limit=0", "limit \"0\": expected a whole number from 1 to 1000"),
                    Map.entry("limit=1001", "limit \"1001\": expected a whole number from 1 to 1000"),
                    Map.entry("limit=ten", "limit \"ten\": expected a whole number from 1 to 1000"),
                    Map.entry("cursor=bm90IGEgY3Vyc29y", "cursor \"bm90IGEgY3Vyc29y\": expected the \"next\" value"),
                    Map.entry("host=web1&host=web2", "host given 2 times (web1, web2): expected once"));
            for (Map.Entry<String, String> c : cases.entrySet()) {
                JsonNode err = get(s, c.getKey(), 400);
                assertEquals("bad_request", err.get("error").asText(), c.getKey() + ": " + err);
                assertTrue(err.get("message").asText().startsWith(c.getValue()),
                        c.getKey() + ": message \"" + err.get("message").asText() + "\" should start with \"" + c.getValue() + "\"");
            }
        }
    }

    /** GET /api/v1/dumps?QUERY, checking the status; returns the JSON body. */
    private static JsonNode get(TestServer s, String query, int status) throws Exception {
        String out = s.sh("curl -sS -w '\\n%{http_code}' 'http://127.0.0.1:" + s.http() + "/api/v1/dumps?" + query + "'");
        int nl = out.lastIndexOf('\n');
        assertEquals(Integer.toString(status), out.substring(nl + 1).trim(), "status of ?" + query + ": " + out);
        return JSON.readTree(out.substring(0, nl));
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("items").forEach(d -> ids.add(d.get("id").asText()));
        return ids;
    }
}
