package io.vmcored.server.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmcored.protocol.testsupport.Fixtures;
import io.vmcored.server.config.ServerConfig;
import io.vmcored.server.daemon.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two collectors (real servers, each with its own spool and node name) sharing one catalog in
 * a real PostgreSQL: the schema is made on an empty database, each lists the other's dumps
 * with the node that holds them, and the "N full dumps per signature" rule holds for both
 * together when they grant at the same moment.
 */
class SharedCatalogTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final PostgresPerClass PG = new PostgresPerClass();

    @TempDir
    Path tmp;

    @Test
    void anEmptyDatabaseGetsTheSchemaOnceAndTheSpoolIsCopiedIntoIt() throws Exception {
        String url = PG.server().createDatabase("migrate");
        assertEquals(List.of(), tables("migrate"), "an empty database to begin with");
        Path flat = Fixtures.stream("kdump-lzo-d31");
        try (TestServer a = TestServer.start(collector("a", url))) {
            assertEquals(List.of("collectors", "dumps", "full_grants", "upload_leases", "vmcored_schema_history"),
                    tables("migrate"));
            assertEquals(List.of("1 true", "2 true"), rows("migrate", "SELECT version || ' ' || success FROM"
                    + " vmcored_schema_history WHERE version IS NOT NULL ORDER BY installed_rank"),
                    "migrations V1 and V2 applied and succeeded");
            put(a, "web1", "boot1", flat);
            awaitWritten(a);
        }
        // a dump received while the collector had no shared catalog is copied when it has one again
        try (TestServer alone = TestServer.start(TestServer.config(tmp.resolve("a")))) {
            put(alone, "web2", "boot1", flat);
        }
        try (TestServer a = TestServer.start(collector("a", url))) {
            awaitWritten(a);
            assertEquals(List.of("1 true", "2 true"), rows("migrate", "SELECT version || ' ' || success FROM"
                    + " vmcored_schema_history WHERE version IS NOT NULL ORDER BY installed_rank"),
                    "a second start migrates nothing");
            assertEquals(List.of("web1 a complete", "web2 a complete"),
                    rows("migrate", "SELECT host || ' ' || node || ' ' || state FROM dumps ORDER BY host"),
                    "both dumps of the spool, complete, held by node a");
        }
    }

    @Test
    void eachCollectorListsTheOthersDumpsWithTheNodeThatHoldsThem() throws Exception {
        String url = PG.server().createDatabase("listing");
        Path flat = Fixtures.stream("kdump-lzo-d31");
        long size = Files.size(Fixtures.oracle("kdump-lzo-d31"));
        try (TestServer a = TestServer.start(collector("a", url)); TestServer b = TestServer.start(collector("b", url))) {
            put(a, "web1", "boot1", flat);
            put(b, "db1", "boot1", flat);
            awaitWritten(a);
            awaitWritten(b);
            for (TestServer s : List.of(a, b)) {
                JsonNode page = get(s, "/api/v1/dumps");
                assertEquals(2, page.get("total").asInt(), "both collectors' dumps: " + page);
                Map<String, String> byHost = new TreeMap<>();
                for (JsonNode d : page.get("items")) {
                    byHost.put(d.get("host").asText(), d.get("node").asText() + " " + d.get("state").asText() + " "
                            + d.get("size").asLong() + " " + d.get("kernel").asText());
                    assertTrue(d.get("id").asText().startsWith(d.get("host").asText() + "@"), "id: " + d);
                }
                String kernel = page.get("items").get(0).get("kernel").asText();
                assertEquals(Map.of("db1", "b complete " + size + " " + kernel, "web1", "a complete " + size + " " + kernel),
                        byHost, "each dump with its node, state, size of the stored dump and kernel: " + page);
                assertEquals("a", get(s, "/api/v1/dumps?host=web1").get("items").get(0).get("node").asText(),
                        "host filter on the shared catalog");
            }
            JsonNode first = get(b, "/api/v1/dumps?limit=1");
            assertEquals("db1", first.get("items").get(0).get("host").asText(), "newest first: b's dump came second");
            JsonNode second = get(b, "/api/v1/dumps?limit=1&cursor=" + first.get("next").asText());
            assertEquals("web1", second.get("items").get(0).get("host").asText(), "the next page has a's dump");
            assertTrue(second.get("next").isNull(), "and is the last: " + second);
            assertEquals("400", b.sh("curl -s -o /dev/null -w '%{http_code}' \"http://127.0.0.1:$HTTP/api/v1/dumps?host=web9\""),
                    "a host no collector has is a typo");
            JsonNode hosts = get(a, "/api/v1/hosts");
            assertEquals(2, hosts.size(), "hosts of the whole fleet: " + hosts);
            String aDump = get(a, "/api/v1/dumps?host=web1").get("items").get(0).get("id").asText();
            String onB = b.sh("curl -s -w ' %{http_code}' \"http://127.0.0.1:$HTTP/api/v1/dumps/" + aDump + "/vmcore\"");
            assertTrue(onB.endsWith(" 404") && onB.contains("is held by collector a and not in the object store"),
                    "without a bucket, another collector's dump is served by it alone, and b says which: " + onB);
            String deleteOnB = b.sh("curl -s -o /dev/null -w '%{http_code}' -X DELETE \"http://127.0.0.1:$HTTP/api/v1/dumps/"
                    + aDump + "\"");
            assertEquals("409", deleteOnB, "deleted on its own collector only");

            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!rows("listing", "SELECT count(*) FROM dumps WHERE analyzed").equals(List.of("2"))
                    && System.nanoTime() < end) {
                Thread.sleep(100);
            }
            for (TestServer s : List.of(a, b)) {
                JsonNode groups = get(s, "/api/v1/signatures");
                assertEquals(1, groups.size(), "one crash on two collectors is one group: " + groups);
                JsonNode g = groups.get(0);
                assertEquals(2, g.get("count").asInt(), "counted over the fleet (each collector holds one): " + g);
                assertEquals("[\"db1\",\"web1\"]", g.get("hosts").toString(), "hosts of both collectors");
                assertTrue(g.get("signature").asText().matches("[0-9a-f]{16}"), "signature: " + g);
                assertTrue(!g.get("topFrames").isEmpty() && !g.get("panicLine").isNull(),
                        "frames and panic line from the collector's own report: " + g);
            }
        }
    }

    @Test
    void theSignatureQuotaHoldsWhenTwoCollectorsGrantAtOnce() throws Exception {
        String url = PG.server().createDatabase("quota");
        Path log = Fixtures.dmesg("kdump-lzo-d31");
        ServerConfig ca = collector("a", url).set("admission.full-per-signature", "3").set("admission.max-concurrent-full", "0");
        ServerConfig cb = collector("b", url).set("admission.full-per-signature", "3").set("admission.max-concurrent-full", "0");
        try (TestServer a = TestServer.start(ca); TestServer b = TestServer.start(cb)) {
            List<TestServer> on = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                TestServer s = i % 2 == 0 ? a : b;
                on.add(s);
                String done = s.sh("{ echo 'VMCORED/1 PUT host=h" + i + " dump=d1 file=vmcore-dmesg.txt offset=0'; cat " + log
                        + "; } | nc -N 127.0.0.1 $PORT");
                assertTrue(done.startsWith("DONE ") || done.contains("file-state=complete"), "kernel log of h" + i + ": " + done);
            }
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int host = i;
                answers.add(pool.submit(() -> {
                    go.await();
                    return decision(hello(on.get(host).tcp(), "h" + host));
                }));
            }
            go.countDown();
            Map<String, Integer> decisions = new TreeMap<>();
            Map<String, Integer> fullPerNode = new TreeMap<>();
            List<String> each = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String d = answers.get(i).get(60, TimeUnit.SECONDS);
                each.add(d);
                decisions.merge(d, 1, Integer::sum);
                if (d.startsWith("full")) {
                    fullPerNode.merge(i % 2 == 0 ? "a" : "b", 1, Integer::sum);
                }
            }
            pool.shutdown();
            assertEquals(Map.of("full within_quota", 3, "dmesg signature_quota", 5), decisions,
                    "8 hosts with one crash asking two collectors at once: 3 full in all (per node: " + fullPerNode + ")");
            assertEquals(List.of("3"), rows("quota", "SELECT count(*) FROM full_grants"), "3 grants in the shared ledger");
            JsonNode view = get(b, "/api/v1/admission");
            assertEquals(3, view.get("fullBySignature").elements().next().asInt(), "the fleet's count on either: " + view);
            int granted = each.indexOf("full within_quota");
            int refused = each.indexOf("dmesg signature_quota");
            assertEquals("full within_quota", decision(hello(on.get(granted).tcp(), "h" + granted)),
                    "a granted host asking again keeps its grant");
            assertEquals("dmesg signature_quota", decision(hello(on.get(refused).tcp(), "h" + refused)),
                    "a refused one is still refused");
            assertEquals(List.of("3"), rows("quota", "SELECT count(*) FROM full_grants"), "still 3 grants");
        }
    }

    @Test
    void aSenderAskingAnotherCollectorIsToldWhichOneReceivesItsDump() throws Exception {
        String url = PG.server().createDatabase("elsewhere");
        Path flat = Fixtures.stream("kdump-lzo-d31");
        try (TestServer a = TestServer.start(collector("a", url).set("node.address", "127.0.0.1"));
             TestServer b = TestServer.start(collector("b", url))) {
            Process slow = new ProcessBuilder("curl", "-sS", "--limit-rate", "2M", "-T", flat.toString(),
                    "http://127.0.0.1:" + a.http() + "/api/v1/dumps/web7?dump=boot7&file=vmcore").start();
            try {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                String reply = "";
                while (System.nanoTime() < end && !reply.startsWith("REFUSED")) {
                    Thread.sleep(200);
                    reply = b.sh("echo 'VMCORED/1 HELLO host=web7 dump=boot7 file=vmcore' | nc -N 127.0.0.1 $PORT");
                }
                assertTrue(reply.matches("REFUSED reason=elsewhere node=a server=127\\.0\\.0\\.1:" + a.tcp()
                        + " wait=[0-9]+ message=dump boot7 of web7 is being received by collector a .*\n?"),
                        "b names a and its TCP address: " + reply);
                String overHttp = b.sh("curl -sS -w ' %{http_code}' \"http://127.0.0.1:$HTTP/api/v1/dumps/web7?dump=boot7"
                        + "&file=vmcore\"");
                JsonNode body = JSON.readTree(overHttp.substring(0, overHttp.lastIndexOf(' ')));
                assertTrue(overHttp.endsWith(" 409"), overHttp);
                assertEquals("elsewhere", body.get("error").asText(), overHttp);
                assertEquals("a", body.get("node").asText());
                assertEquals("127.0.0.1:" + a.http(), body.get("server").asText(), "a's HTTP address for an HTTP sender");
                assertTrue(body.get("wait").isIntegralNumber() && body.get("wait").asInt() >= 1, overHttp);
                String other = b.sh("echo 'VMCORED/1 HELLO host=web7 dump=another file=vmcore' | nc -N 127.0.0.1 $PORT");
                assertTrue(other.startsWith("OK "), "another dump of the host is b's to take: " + other);
            } finally {
                slow.destroy();
                slow.waitFor();
            }
        }
    }

    private ServerConfig collector(String node, String url) {
        return TestServer.config(tmp.resolve(node)).set("catalog.url", url).set("catalog.user", PostgresServer.USER)
                .set("catalog.password", PostgresServer.PASSWORD).set("node.name", node);
    }

    /** Uploads {@code flat} over HTTP as {@code host}'s dump {@code dump}; asserts it is complete. */
    static void put(TestServer s, String host, String dump, Path flat) throws Exception {
        String out = s.sh("curl -sS -T " + flat + " \"http://127.0.0.1:$HTTP/api/v1/dumps/" + host + "?dump=" + dump + "\"");
        assertTrue(out.contains("\"complete\""), "upload of " + host + " complete: " + out);
    }

    /** Waits until the collector's writer has every save in the database. */
    static void awaitWritten(TestServer s) throws InterruptedException {
        Fleet f = s.server.fleet();
        assertNotNull(f, "the collector has a shared catalog");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (f.waiting() > 0 && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertEquals(0, f.waiting(), "rows still waiting for the database after 30 s");
    }

    static JsonNode get(TestServer s, String path) throws Exception {
        return JSON.readTree(s.sh("curl -sS --fail-with-body \"http://127.0.0.1:$HTTP" + path + "\""));
    }

    private static String hello(int port, String host) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            out.write(("VMCORED/1 HELLO host=" + host + " dump=d1\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream reply = new ByteArrayOutputStream();
            in.transferTo(reply);
            return reply.toString(StandardCharsets.US_ASCII);
        }
    }

    private static String decision(String reply) {
        Map<String, String> f = new TreeMap<>();
        for (String w : reply.strip().split(" ")) {
            int eq = w.indexOf('=');
            if (eq > 0) {
                f.put(w.substring(0, eq), w.substring(eq + 1));
            }
        }
        return f.get("steer-decision") + " " + f.get("steer-reason");
    }

    private static List<String> tables(String db) throws SQLException {
        return rows(db, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1");
    }

    static List<String> rows(String db, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = PG.server().connect(db); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
