package io.vmcored.server.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vmcored.server.http.PrometheusText;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The signature index (re-analysis, deleted dumps) and the bounded crash counters (top N + other). */
class SignatureGroupsTest {

    private static CrashReport report(String sig) {
        return new CrashReport("complete", "dump", "dmesg.txt", null, 10, "lockless", List.of(), true,
                "BUG: x " + sig, null, "f", null, List.of("f", "g"), "6.1.0", "1.0", sig, "now", 1);
    }

    @Test
    void reanalyzedDumpMovesInsteadOfCountingTwice() {
        SignatureIndex idx = new SignatureIndex();
        Instant t = Instant.parse("2026-11-23T10:00:00Z");
        assertTrue(idx.add("h1@a", "h1", t, report("aaaa")), "first of its kind");
        assertFalse(idx.add("h2@b", "h2", t.plusSeconds(60), report("aaaa")), "second of its kind");
        assertFalse(idx.add("h1@a", "h1", t, report("aaaa")), "the same dump again");
        assertEquals(2, idx.count("aaaa"), "count after re-analysis with the same result");
        assertTrue(idx.add("h1@a", "h1", t, report("bbbb")), "re-analysis found another crash");
        assertEquals(1, idx.count("aaaa"), "moved out of its old group");
        SignatureGroup a = idx.groups().stream().filter(g -> g.signature().equals("aaaa")).findFirst().orElseThrow();
        assertEquals(List.of("h2"), a.hosts(), "hosts of the old group");
        assertEquals(t.plusSeconds(60).toString(), a.firstSeen(), "first seen recomputed");
        idx.add("h1@a", "h1", t, null);
        assertEquals(1, idx.size(), "a dump without a crash leaves every group");
        idx.forget("h1@a");
        idx.forget("h2@b");
        assertEquals(0, idx.size(), "deleted dumps leave the index");
        assertNull(idx.groups().isEmpty() ? null : "x", "no groups");
    }

    @Test
    void crashCounterKeepsTopGroupsAndSumsTheRestAsOther() {
        PrometheusMeterRegistry reg = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        SignatureIndex idx = new SignatureIndex();
        CrashMetrics m = new CrashMetrics(reg, idx, 2);
        Instant t = Instant.parse("2026-11-23T10:00:00Z");
        String[] sigs = {"s1", "s1", "s1", "s2", "s2", "s3", "s4"};
        for (int i = 0; i < sigs.length; i++) {
            idx.add("h@" + i, "h", t.plusSeconds(i), report(sigs[i]));
        }
        m.crashes(idx.groups());
        Map<String, Double> s = PrometheusText.parse(reg.scrape());
        assertEquals(3.0, s.get("vmcored_crashes_total{signature_group=\"s1\"}"), "top group");
        assertEquals(2.0, s.get("vmcored_crashes_total{signature_group=\"s2\"}"), "second group");
        assertEquals(2.0, s.get("vmcored_crashes_total{signature_group=\"other\"}"), "s3 + s4");
        assertEquals(4.0, s.get("vmcored_crash_signatures"), "distinct groups");
        for (int i = 0; i < 4; i++) {
            idx.add("h@x" + i, "h", t.plusSeconds(100 + i), report("s4"));
        }
        m.crashes(idx.groups());
        s = PrometheusText.parse(reg.scrape());
        assertEquals(5.0, s.get("vmcored_crashes_total{signature_group=\"s4\"}"), "s4 rose to the top");
        assertNull(s.get("vmcored_crashes_total{signature_group=\"s2\"}"), "s2 left the top 2: no own series");
        assertEquals(3.0, s.get("vmcored_crashes_total{signature_group=\"other\"}"), "s2 + s3");
        long series = s.keySet().stream().filter(k -> k.startsWith("vmcored_crashes_total")).count();
        assertEquals(3, series, "top 2 + other");
    }
}
