package io.vmcored.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmcored.protocol.testsupport.Fixtures;
import io.vmcored.protocol.testsupport.Processes;
import io.vmcored.protocol.testsupport.Requirements;
import io.vmcored.server.daemon.TestServer;
import io.vmcored.server.http.PrometheusText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/ (scrape config, alert rules, Grafana dashboard) and docs/metrics.md agree with
 * each other and with what a running server exposes, and promtool accepts the rules and the
 * scrape config (Debian's promtool: installed, else unpacked from the prometheus package by ./test).
 */
class DeployFilesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern METRIC = Pattern.compile("vmcored_[a-z_]+");
    private static final Set<String> SUFFIXES = Set.of("_bucket", "_count", "_sum", "_max");

    @TempDir
    Path tmp;

    @Test
    void rulesDashboardDocsAndScrapeAgree() throws Exception {
        Path root = repoRoot();
        Set<String> documented = documented(root.resolve("docs/metrics.md"));
        assertTrue(documented.size() >= 9, "metrics documented: " + documented);

        JsonNode rules = JSON.readTree(root.resolve("deploy/prometheus/vmcored-rules.yml").toFile());
        Set<String> used = new TreeSet<>();
        for (JsonNode group : rules.get("groups")) {
            assertNotNull(group.get("name"), "rule group name");
            for (JsonNode rule : group.get("rules")) {
                String alert = rule.path("alert").asText();
                assertFalse(alert.isEmpty(), "alert name in " + rule);
                assertFalse(rule.path("expr").asText().isEmpty(), "expr of " + alert);
                assertTrue(rule.path("for").asText().matches("[0-9]+[smh]"), "for of " + alert);
                assertTrue(rule.path("labels").path("severity").asText().matches("critical|warning|info"), "severity of " + alert);
                assertFalse(rule.path("annotations").path("summary").asText().isEmpty(), "summary of " + alert);
                used.addAll(names(rule.get("expr").asText()));
            }
        }
        JsonNode dash = JSON.readTree(root.resolve("deploy/grafana/vmcored-dashboard.json").toFile());
        assertEquals("vmcored", dash.get("uid").asText(), "dashboard uid");
        for (JsonNode panel : dash.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                used.addAll(names(target.get("expr").asText()));
            }
        }
        for (String name : used) {
            assertTrue(documented.contains(family(name)), name + " used in deploy/ but not in docs/metrics.md");
        }
        JsonNode scrape = JSON.readTree(root.resolve("deploy/prometheus/prometheus.yml").toFile());
        assertEquals("/metrics", scrape.get("scrape_configs").get(0).get("metrics_path").asText(), "metrics path");
        assertEquals("vmcored-rules.yml", scrape.get("rule_files").get(0).asText(), "rule file");

        try (TestServer s = TestServer.start(tmp)) {
            // an ELF head is a dump (stored, so the dump meters show); "hello" is refused as no dump
            s.sh("printf '\\177ELF\\2\\1\\1\\0\\0\\0\\0\\0\\0\\0\\0\\0' | nc -N 127.0.0.1 $PORT;"
                    + " printf 'hello\\n' | nc -N 127.0.0.1 $PORT; echo 'VMCORED/1 PUT host=x dump=y' | nc -N 127.0.0.1 $PORT");
            Thread.sleep(300);
            Set<String> exposed = new TreeSet<>();
            for (String sample : PrometheusText.parse(s.sh("curl -sS http://127.0.0.1:$HTTP/metrics")).keySet()) {
                Matcher m = METRIC.matcher(sample);
                if (m.lookingAt()) {
                    exposed.add(family(m.group()));
                }
            }
            for (String name : exposed) {
                assertTrue(documented.contains(name), name + " exposed but not documented in docs/metrics.md");
            }
            for (String name : used) {
                if (!name.equals("vmcored_upload_resumes_total")) {
                    assertTrue(exposed.contains(family(name)), name + " used by deploy/ but not exposed: " + exposed);
                }
            }
        }
        promtool("check", "rules", root.resolve("deploy/prometheus/vmcored-rules.yml").toString());
        promtool("check", "config", root.resolve("deploy/prometheus/prometheus.yml").toString());
    }

    private static void promtool(String... args) throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        if (!Files.isExecutable(promtool)) {
            promtool = Fixtures.debianPackage("prometheus").resolve("usr/bin/promtool");
            Requirements.require(Files.isExecutable(promtool), "promtool at /usr/bin/promtool or " + promtool);
        }
        String[] cmd = new String[args.length + 1];
        cmd[0] = promtool.toString();
        System.arraycopy(args, 0, cmd, 1, args.length);
        Processes.run(Duration.ofSeconds(60), cmd).ok();
    }

    private static Set<String> documented(Path doc) throws Exception {
        Set<String> names = new TreeSet<>();
        for (String line : Files.readAllLines(doc)) {
            if (line.startsWith("| `vmcored_")) {
                names.add(line.substring(3, line.indexOf('`', 3)));
            }
        }
        return names;
    }

    private static Set<String> names(String expr) {
        Set<String> out = new TreeSet<>();
        Matcher m = METRIC.matcher(expr);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    /** vmcored_upload_duration_seconds_bucket -> vmcored_upload_duration_seconds. */
    private static String family(String name) {
        for (String s : SUFFIXES) {
            if (name.endsWith(s) && !name.endsWith("_total")) {
                return name.substring(0, name.length() - s.length());
            }
        }
        return name;
    }

    private static Path repoRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("deploy")) && Files.isDirectory(dir.resolve("docs"))) {
                return dir;
            }
        }
        throw new AssertionError("repository root with deploy/ and docs/ not found above " + Path.of("").toAbsolutePath());
    }
}
