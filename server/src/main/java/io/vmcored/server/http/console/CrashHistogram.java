package io.vmcored.server.http.console;

import io.vmcored.server.catalog.DumpCatalog;
import io.vmcored.server.catalog.DumpPage;
import io.vmcored.server.catalog.DumpQuery;
import io.vmcored.server.catalog.DumpSummary;
import io.vmcored.server.catalog.PageCursor;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/stats/crashes}: dumps per hour (or day) over the last days, one series per
 * crash signature, the biggest {@code top} by name and the rest as {@code other}; dumps without
 * a signature (not analyzed, no crash found) as {@code none}. Buckets are whole UTC hours or
 * days, the last one the current. Walks the dumps of the range page by page through the
 * catalog's index: costs what the range holds, not the catalog.
 */
public final class CrashHistogram {

    public static final String OTHER = "other";
    public static final String NONE = "none";

    private CrashHistogram() {
    }

    /**
     * @param bucket  {@code ChronoUnit.HOURS} or {@code DAYS}
     * @param buckets how many, ending with the one holding {@code now}
     */
    public static Map<String, Object> build(DumpCatalog catalog, Instant now, ChronoUnit bucket, int buckets,
                                            String host, String signature, int top) {
        Duration width = bucket.getDuration();
        Instant end = now.truncatedTo(bucket).plus(width);
        Instant start = end.minus(width.multipliedBy(buckets));
        Map<String, long[]> counts = new HashMap<>();
        Map<String, String> panic = new HashMap<>();
        long total = 0;
        DumpQuery q = DumpQuery.newest().withSince(start).withHost(host).withSignature(signature)
                .withLimit(DumpQuery.MAX_LIMIT);
        while (true) {
            DumpPage page = catalog.list(q);
            for (DumpSummary d : page.items()) {
                int i = (int) (Duration.between(start, d.created()).toMillis() / width.toMillis());
                if (i < 0 || i >= buckets) {
                    continue;
                }
                String key = d.signature() == null ? NONE : d.signature();
                counts.computeIfAbsent(key, k -> new long[buckets])[i]++;
                panic.putIfAbsent(key, d.panic());
                total++;
            }
            if (page.next() == null) {
                break;
            }
            q = q.withCursor(PageCursor.decode(page.next()));
        }
        List<Map.Entry<String, long[]>> bySize = new ArrayList<>(counts.entrySet());
        bySize.sort((a, b) -> Long.compare(sum(b.getValue()), sum(a.getValue())));
        List<Map<String, Object>> series = new ArrayList<>();
        long[] other = new long[buckets];
        boolean anyOther = false;
        for (Map.Entry<String, long[]> e : bySize) {
            if (series.size() < top || e.getKey().equals(NONE) && bySize.size() <= top + 1) {
                series.add(series(e.getKey(), panic.get(e.getKey()), e.getValue()));
            } else {
                anyOther = true;
                for (int i = 0; i < buckets; i++) {
                    other[i] += e.getValue()[i];
                }
            }
        }
        if (anyOther) {
            series.add(series(OTHER, null, other));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("start", start.toString());
        out.put("end", end.toString());
        out.put("bucket", bucket == ChronoUnit.DAYS ? "day" : "hour");
        out.put("buckets", buckets);
        out.put("total", total);
        out.put("series", series);
        return out;
    }

    private static Map<String, Object> series(String signature, String panic, long[] counts) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("signature", signature);
        s.put("panic", panic);
        s.put("total", sum(counts));
        s.put("counts", counts);
        return s;
    }

    private static long sum(long[] a) {
        long n = 0;
        for (long v : a) {
            n += v;
        }
        return n;
    }
}
