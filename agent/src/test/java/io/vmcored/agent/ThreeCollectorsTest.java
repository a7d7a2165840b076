package io.vmcored.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmcored.protocol.testsupport.Fixtures;
import io.vmcored.server.fleet.PostgresServer;
import io.vmcored.server.recovery.ServerProcess;
import io.vmcored.server.store.S3ProxyServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three collectors ({@code vmcored serve}, each a JVM of its own) sharing a PostgreSQL catalog
 * and an s3proxy bucket, fed by the real agent (busybox sh, makedumpfile on the fixture vmcore)
 * with all three in its server list. First the signature rule across collectors: six hosts of
 * one crash, three full dumps for the fleet. Then 48 uploads during which one collector is
 * killed: every host ends with a complete dump byte-identical to makedumpfile -R, listed and
 * downloadable from each collector still running.
 */
class ThreeCollectorsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BUCKET = "crash-fleet";
    private static final int HOSTS = 48;

    @TempDir
    Path dir;

    private PostgresServer pg;
    private S3ProxyServer s3;
    private final Map<String, ServerProcess> collectors = new LinkedHashMap<>();
    private final Map<Process, Path> agents = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() throws Exception {
        for (Process p : agents.keySet()) {
            p.destroyForcibly();
        }
        for (ServerProcess c : collectors.values()) {
            c.close();
        }
        if (s3 != null) {
            s3.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void theSignatureRuleHoldsAcrossCollectorsAndEveryHostEndsWithItsDumpWhenOneCollectorDies() throws Exception {
        BusyboxAgent agent = new BusyboxAgent(dir, "makedumpfile");
        pg = PostgresServer.start();
        String url = pg.createDatabase("fleet");
        s3 = S3ProxyServer.start(dir.resolve("s3"));
        s3.createBucket(BUCKET);
        Path config = dir.resolve("vmcored.properties");
        Files.writeString(config, "admission.full-per-signature = 3\nadmission.max-concurrent-full = 0\n");
        for (String node : List.of("a", "b", "c")) {
            collectors.put(node, collector(node, url, config));
        }
        String servers = collectors.values().stream().map(c -> "127.0.0.1:" + c.port("tcp"))
                .collect(Collectors.joining(","));
        String oracle = sha256(Fixtures.oracle("kdump-lzo-d31"));

        // one crash on six hosts at once: the fleet keeps three full dumps, the others' kernel logs
        for (int i = 1; i <= 6; i++) {
            start(agent, servers, "sig" + i);
        }
        awaitAgents(agent, "the six hosts of one crash");
        Map<String, JsonNode> sig = newestByHost(collectors.get("a"), "sig");
        assertEquals(6, sig.size(), "every host listed by every collector: " + sig.keySet());
        long full = sig.values().stream().filter(d -> "vmcore".equals(d.path("dumpFile").asText())).count();
        assertEquals(3, full, "three full dumps for the fleet, whichever collector took them: " + sig);
        for (JsonNode d : sig.values()) {
            assertEquals("complete", d.path("state").asText(), "each host's dump complete: " + d);
        }
        assertTrue(sig.values().stream().map(d -> d.path("node").asText()).distinct().count() >= 2,
                "the hosts spread over the collectors: " + sig);

        // no quota now: each of 48 hosts sends its whole dump; collector b dies during the uploads
        Files.writeString(config, "admission.full-per-signature = 0\nadmission.max-concurrent-full = 0\n");
        for (ServerProcess c : collectors.values()) {
            c.signalHangup();
        }
        for (ServerProcess c : collectors.values()) {
            c.awaitLog("configuration reloaded");
        }
        for (int i = 1; i <= HOSTS; i++) {
            start(agent, servers, String.format("host%02d", i));
            Thread.sleep(150);
        }
        ServerProcess b = collectors.get("b");
        await("collector b receiving one dump while another of its dumps is in the bucket", () -> count(
                "SELECT count(*) FROM dumps WHERE node = 'b' AND state = 'receiving' AND host LIKE 'host%'") > 0
                && count("SELECT count(*) FROM dumps WHERE node = 'b' AND manifest IS NOT NULL AND host LIKE 'host%'")
                > 0);
        b.kill();
        collectors.remove("b");
        List<String> outputs = awaitAgents(agent, "the 48 hosts");

        Map<String, Map<String, JsonNode>> listed = new TreeMap<>();
        for (Map.Entry<String, ServerProcess> c : collectors.entrySet()) {
            listed.put(c.getKey(), completeByHost(c.getValue(), "host"));
        }
        for (Map.Entry<String, Map<String, JsonNode>> l : listed.entrySet()) {
            assertEquals(HOSTS, l.getValue().size(), "collector " + l.getKey() + " lists a complete dump of every host: "
                    + l.getValue().keySet());
        }
        Map<String, Long> byNode = listed.get("a").values().stream()
                .collect(Collectors.groupingBy(d -> d.path("node").asText(), TreeMap::new, Collectors.counting()));
        assertTrue(byNode.keySet().containsAll(List.of("a", "b", "c")),
                "hosts whose dump b stored before it died are served from the bucket; the others by a and c: " + byNode);
        for (String node : List.of("a", "b", "c")) {
            assertTrue(count("SELECT count(DISTINCT host) FROM dumps WHERE node = '" + node + "' AND host LIKE 'host%'") >= 4,
                    "the agents spread over the collectors: " + node + " received too few");
        }
        // an agent is answered once its dump is in the bucket; the holder's row with the manifest
        // follows from its catalog writer, and a busy bucket may have answered a first attempt late
        List<String> ids = listed.get("a").values().stream().map(d -> d.path("id").asText()).toList();
        await("the row of every listed dump carries its stored manifest", () -> count("SELECT count(*) FROM dumps"
                + " WHERE manifest IS NOT NULL AND id IN ('" + String.join("','", ids) + "')") == ids.size());
        for (Map.Entry<String, ServerProcess> c : collectors.entrySet()) {
            for (JsonNode d : listed.get(c.getKey()).values()) {
                String id = d.path("id").asText();
                assertEquals(oracle, download(c.getValue(), id), "dump " + id + " of " + d.path("host").asText()
                        + " (held by " + d.path("node").asText() + ") downloaded from collector " + c.getKey());
            }
        }
        long marked = count("SELECT count(*) FROM dumps WHERE node = 'b' AND state = 'incomplete'"
                + " AND problem LIKE 'collector b stopped renewing its upload lease%'");
        assertTrue(marked >= 1, "b's dump cut by its death was marked incomplete by a survivor");
        System.out.printf("48 hosts, collector b killed: %d agents failed over, %d were told another collector"
                        + " received their dump, %d waited for its lease; dumps per collector %s; marked incomplete %d%n",
                outputs.stream().filter(o -> o.contains("failing over from")).count(),
                outputs.stream().filter(o -> o.contains(" says collector ")).count(),
                outputs.stream().filter(o -> o.contains("waiting for its lease to run out")).count(), byNode, marked);
        // an agent noticing b's death within the lease is told by a survivor that b receives its
        // dump, waits for b's lease to run out, then sends the dump again there
        assertTrue(outputs.stream().anyMatch(o -> o.contains("waiting for its lease to run out")),
                "an agent waited out b's lease:\n" + String.join("\n----\n", outputs));
        assertTrue(outputs.stream().anyMatch(o -> o.contains("failing over from")),
                "an agent of b failed over:\n" + String.join("\n----\n", outputs));
        assertEquals(0, count("SELECT count(*) FROM dumps WHERE state = 'receiving' AND node <> 'b'"),
                "nothing left receiving on the survivors");
    }

    private ServerProcess collector(String node, String url, Path config) throws Exception {
        return ServerProcess.start(dir.resolve(node), false, config,
                List.of("AWS_ACCESS_KEY_ID=" + S3ProxyServer.IDENTITY, "AWS_SECRET_ACCESS_KEY=" + S3ProxyServer.CREDENTIAL),
                List.of("--store", "s3://" + BUCKET + "/lab", "--s3-endpoint", s3.endpoint(), "--catalog", url,
                        "--node-name", node),
                "catalog.user=" + PostgresServer.USER, "catalog.password=" + PostgresServer.PASSWORD,
                "node.address=127.0.0.1", "catalog.lease-time=20s", "analysis.enabled=true", "spool.min-free=64M",
                "store.part-size=8M");
    }

    private List<String> agentArgs(String servers, String host) {
        return List.of("--server", servers, "--transport", "tcp", "--host", host, "--dump-id", host + "-boot",
                "--vmcore", Fixtures.vmcore().toString(), "--work-dir", dir.resolve("work").resolve(host).toString(),
                "--backoff", "1", "--max-backoff", "4", "--retries", "30", "--stall-timeout", "20");
    }

    private void start(BusyboxAgent agent, String servers, String host) throws IOException {
        Path log = Files.createDirectories(dir.resolve("logs")).resolve(host + ".log");
        agents.put(agent.start(agentArgs(servers, host), log), log);
    }

    /** Waits for every agent started so far; each must exit 0. Returns their outputs. */
    private List<String> awaitAgents(BusyboxAgent agent, String what) throws Exception {
        List<String> outs = new ArrayList<>();
        for (Map.Entry<Process, Path> a : agents.entrySet()) {
            assertTrue(a.getKey().waitFor(10, TimeUnit.MINUTES), what + ": an agent did not end within 10 min");
            String out = Files.readString(a.getValue());
            assertEquals(0, a.getKey().exitValue(), what + ": agent failed:\n" + out);
            outs.add(out);
        }
        agents.clear();
        return outs;
    }

    /** The newest dump of each host whose name starts with {@code prefix}, as collector {@code c} lists them. */
    private Map<String, JsonNode> newestByHost(ServerProcess c, String prefix) throws Exception {
        Map<String, JsonNode> out = new TreeMap<>();
        for (JsonNode d : list(c)) {
            String host = d.path("host").asText();
            if (host.startsWith(prefix)) {
                out.putIfAbsent(host, d); // newest first
            }
        }
        return out;
    }

    private Map<String, JsonNode> completeByHost(ServerProcess c, String prefix) throws Exception {
        Map<String, JsonNode> out = new TreeMap<>();
        for (JsonNode d : list(c)) {
            String host = d.path("host").asText();
            if (host.startsWith(prefix) && "complete".equals(d.path("state").asText())) {
                out.putIfAbsent(host, d);
            }
        }
        return out;
    }

    private List<JsonNode> list(ServerProcess c) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.port("http")
                + "/api/v1/dumps?limit=500")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        List<JsonNode> items = new ArrayList<>();
        JSON.readTree(r.body()).path("items").forEach(items::add);
        return items;
    }

    private String download(ServerProcess c, String id) throws Exception {
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.port("http")
                + "/api/v1/dumps/" + id + "/vmcore")).build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            if (r.statusCode() != 200) {
                return "HTTP " + r.statusCode() + ": " + new String(in.readAllBytes());
            }
            return sha256(in);
        }
    }

    private static String sha256(Path f) throws Exception {
        try (InputStream in = Files.newInputStream(f)) {
            return sha256(in);
        }
    }

    private static String sha256(InputStream in) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (DigestInputStream d = new DigestInputStream(in, md)) {
            d.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private long count(String sql) throws Exception {
        try (Connection conn = pg.connect("fleet"); Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static void await(String what, Check check) throws Exception {
        long end = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (!check.holds()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within 5 min: " + what);
            }
            Thread.sleep(100);
        }
    }
}
