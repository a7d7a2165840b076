package io.vmcored.server.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmcored.protocol.testsupport.Fixtures;
import io.vmcored.protocol.testsupport.Processes;
import io.vmcored.server.catalog.DumpRecord;
import io.vmcored.server.config.FleetSettings;
import io.vmcored.server.catalog.Transport;
import io.vmcored.server.daemon.TestServer;
import io.vmcored.server.recovery.ServerProcess;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared catalog going away under a running collector ({@code vmcored serve} in a JVM of
 * its own, fed by curl at a slow producer's pace): the upload completes on the collector all
 * the same and its row catches up once the database is back; and the lease of a dump being
 * received is renewed while the upload runs and runs out when its collector is killed, which
 * another collector then sees.
 */
class CatalogOutageTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final PostgresPerClass PG = new PostgresPerClass();

    @TempDir
    Path tmp;

    @Test
    void anUploadCompletesWhileTheDatabaseIsDownAndItsRowCatchesUp() throws Exception {
        String url = PG.server().createDatabase("outage");
        Path flat = Fixtures.stream("kdump-lzo-d31");
        try (ServerProcess a = ServerProcess.start(tmp.resolve("a"), false, collector("a", url))) {
            int http = a.port("http");
            try (Processes.Running curl = slowPut(http, "slow1", flat, "3M")) {
                String id = await("the row of the dump being received", () -> column("outage",
                        "SELECT id FROM dumps WHERE host = 'slow1' AND state = 'receiving'"));
                PG.server().stop();
                Processes.Result put = curl.await(Duration.ofSeconds(120));
                assertEquals(0, put.exit(), "curl: " + put);
                JsonNode answer = JSON.readTree(put.out());
                assertEquals("complete", answer.get("state").asText(), "the upload completes without the database: " + answer);
                assertEquals(Files.size(Fixtures.oracle("kdump-lzo-d31")), Files.size(tmp.resolve("a/spool/slow1")
                        .resolve(id.substring(id.indexOf('@') + 1)).resolve("vmcore")), "the whole dump is on the collector");
                JsonNode listed = JSON.readTree(Processes.run(Duration.ofSeconds(30), "curl", "-sS", "--fail-with-body",
                        "http://127.0.0.1:" + http + "/api/v1/dumps").ok().out());
                assertEquals("complete", listed.get("items").get(0).get("state").asText(),
                        "listed from the collector's own spool meanwhile: " + listed);
                String metrics = Processes.run(Duration.ofSeconds(30), "curl", "-sS", "http://127.0.0.1:" + http + "/metrics")
                        .ok().out();
                assertTrue(metrics.contains("\nvmcored_catalog_up 0.0\n"), "the outage on /metrics:\n" + metrics);
                // cut off past the lease time: a new dump is sent to another collector first, taken when asked again
                Thread.sleep(3_500);
                String hello = "echo 'VMCORED/1 HELLO host=new1 dump=boot9 file=vmcore-dmesg.txt' | nc -N 127.0.0.1 "
                        + a.port("tcp");
                String first = Processes.run(Duration.ofSeconds(30), "sh", "-c", hello).ok().out();
                assertTrue(first.startsWith("REFUSED reason=catalog_down message=the shared catalog has been unreachable"),
                        "a new dump refused once while the catalog is away: " + first);
                String again = Processes.run(Duration.ofSeconds(30), "sh", "-c", hello).ok().out();
                assertTrue(again.startsWith("OK "), "asked again, it is taken: " + again);
                String overHttp = Processes.run(Duration.ofSeconds(30), "curl", "-sS", "-o", "/dev/null", "-w",
                        "%{http_code}", "http://127.0.0.1:" + http + "/api/v1/dumps/new2?dump=boot9&file=vmcore").ok().out();
                assertEquals("503", overHttp, "over HTTP: 503 catalog_down");

                PG.server().start(true);
                await("the row complete after the database is back", () -> "complete".equals(column("outage",
                        "SELECT state FROM dumps WHERE id = '" + id + "'")) ? "yes" : null);
                await("the dump's lease gone with its upload", () -> column("outage",
                        "SELECT count(*) FROM upload_leases").equals("0") ? "yes" : null);
                a.awaitLog("reachable again");
                String after = Processes.run(Duration.ofSeconds(30), "curl", "-sS", "http://127.0.0.1:" + http + "/metrics")
                        .ok().out();
                assertTrue(after.contains("\nvmcored_catalog_up 1.0\n") && after.contains("\nvmcored_catalog_rows_waiting 0.0\n"),
                        "caught up, on /metrics:\n" + after);
                assertEquals(1, a.logLines().stream().filter(l -> l.contains(" unreachable (")).count(),
                        "one line when the database went away:\n" + a.logAbout("shared catalog"));
                assertEquals(1, a.logLines().stream().filter(l -> l.contains("reachable again")).count(),
                        "one line when it came back:\n" + a.logAbout("shared catalog"));
            }
        }
    }

    @Test
    void aLeaseIsRenewedWhileTheUploadRunsAndRunsOutWhenTheCollectorIsKilled() throws Exception {
        String url = PG.server().createDatabase("leases");
        Path flat = Fixtures.stream("kdump-lzo-d31");
        FleetSettings other = new FleetSettings();
        other.url = url;
        other.user = PostgresServer.USER;
        other.password = PostgresServer.PASSWORD;
        other.nodeName = "b";
        try (FleetDatabase db = FleetDatabase.open(other)) {
            // collector b's view of the leases, without its timer: the test says when it looks
            UploadLeases b = new UploadLeases(db, "b", Duration.ofSeconds(3), List::of);
            String id;
            try (ServerProcess a = ServerProcess.start(tmp.resolve("a"), false, collector("a", url));
                 Processes.Running curl = slowPut(a.port("http"), "slow2", flat, "1M")) {
                id = await("a lease on the dump being received", () -> column("leases",
                        "SELECT dump_id FROM upload_leases WHERE node = 'a'"));
                Instant first = Instant.parse(lease("leases", id));
                Thread.sleep(2_500);
                Instant later = Instant.parse(lease("leases", id));
                assertTrue(later.isAfter(first), "renewed while the upload runs: " + first + " then " + later);
                assertTrue(later.isAfter(Instant.now()), "and not expired: " + later);
                assertTrue(b.expired().isEmpty(), "no expired lease while a renews it");
                a.kill();
            }
            Thread.sleep(3_500); // catalog.lease-time = 3s
            List<UploadLeases.Expired> expired = b.expired();
            assertEquals(1, expired.size(), "the killed collector's lease ran out: " + expired);
            assertEquals(id + " a", expired.get(0).dumpId() + " " + expired.get(0).node());
            assertTrue(b.shouldMarkIncomplete(id), "another collector may mark it incomplete");
            assertEquals("receiving", column("leases", "SELECT state FROM dumps WHERE id = '" + id + "'"),
                    "the row still says receiving: its collector died before saying otherwise");

            assertEquals(expired, b.markExpired(), "b marks the dump of a's expired lease");
            String marked = column("leases", "SELECT state || ' ' || problem FROM dumps WHERE id = '" + id + "'");
            assertTrue(marked.startsWith("incomplete collector a stopped renewing its upload lease at ")
                    && marked.endsWith("(marked by b)"), "the row, marked by b: " + marked);
            assertEquals(List.of(), b.markExpired(), "once");
            assertTrue(b.expired().isEmpty(), "no dump left to mark");

            // the collector comes back: its own recovery's row replaces the mark
            try (ServerProcess a = ServerProcess.start(tmp.resolve("a"), false, collector("a", url))) {
                await("the recovered dump's row, as its collector saved it", () -> column("leases",
                        "SELECT state || ' ' || problem FROM dumps WHERE id = '" + id + "'")
                        .startsWith("incomplete server stopped while the dump was being received") ? "yes" : null);
            }
        }
    }

    @Test
    void moreSavesThanTheQueueHoldsAreRewrittenInOnePassWhenTheDatabaseIsBack() throws Exception {
        String url = PG.server().createDatabase("rewrite");
        try (TestServer a = TestServer.start(TestServer.config(tmp.resolve("a")).set("catalog.url", url)
                .set("catalog.user", PostgresServer.USER).set("catalog.password", PostgresServer.PASSWORD)
                .set("node.name", "a").set("catalog.queue", "100"))) {
            DumpRecord gone = a.ctx().catalog().create("old1", Transport.HTTP, "boot-0");
            gone.fail("test: nothing sent");
            SharedCatalogTest.awaitWritten(a);
            assertEquals("1", column("rewrite", "SELECT count(*) FROM dumps"));
            PG.server().stop();
            try {
                a.ctx().catalog().delete(gone);
                for (int i = 0; i < 150; i++) {
                    a.ctx().catalog().create("many" + i % 10, Transport.HTTP, "boot-" + i).fail("test: nothing sent");
                }
                assertEquals(150, a.ctx().catalog().size(), "the collector has its dumps meanwhile");
            } finally {
                PG.server().start(true);
            }
            await("150 rows, the deleted dump's gone", () -> "150 0".equals(column("rewrite",
                    "SELECT count(*) || ' ' || count(*) FILTER (WHERE host = 'old1') FROM dumps")) ? "yes" : null);
            assertEquals(List.of("incomplete 150"), List.of(column("rewrite",
                    "SELECT state || ' ' || count(*) FROM dumps WHERE node = 'a' GROUP BY state")), "every row as saved");
        }
    }

    private static String[] collector(String node, String url) {
        return new String[] {"catalog.url=" + url, "catalog.user=" + PostgresServer.USER,
                "catalog.password=" + PostgresServer.PASSWORD, "node.name=" + node, "catalog.lease-time=3s"};
    }

    /** curl sending {@code flat} as {@code host}'s dump at {@code rate} bytes per second. */
    private static Processes.Running slowPut(int http, String host, Path flat, String rate) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--limit-rate", rate, "-T", flat.toString(),
                "http://127.0.0.1:" + http + "/api/v1/dumps/" + host + "?dump=boot1"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        return new Processes.Running(pb.start(), String.join(" ", cmd));
    }

    private static String lease(String db, String id) throws SQLException {
        return column(db, "SELECT to_char(expires AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
                + " FROM upload_leases WHERE dump_id = '" + id + "'");
    }

    /** The first column of the first row, or null (also while the database is down). */
    private static String column(String db, String sql) throws SQLException {
        try (Connection c = PG.server().connect(db); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** Polls {@code value} for up to 30 s until it is not null. */
    private static String await(String what, Callable<String> value) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Exception last = null;
        while (System.nanoTime() < end) {
            try {
                String v = value.call();
                if (v != null) {
                    return v;
                }
            } catch (SQLException e) {
                last = e;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not within 30 s: " + what + (last == null ? "" : " (last error: " + last + ")"));
    }
}
