package io.vmcored.server.http;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.vmcored.server.catalog.DumpCatalog;
import io.vmcored.server.catalog.DumpRecord;
import io.vmcored.server.catalog.DumpSummary;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code GET /api/v1/dumps?host=&state=&since=&until=}: the catalog as a JSON list, oldest first. */
final class DumpQueries {

    private DumpQueries() {
    }

    static List<Map<String, Object>> list(DumpCatalog catalog, QueryStringDecoder q) {
        String host = param(q, "host");
        String state = param(q, "state");
        Instant since = time(q, "since");
        Instant until = time(q, "until");
        List<Map<String, Object>> out = new ArrayList<>();
        for (DumpRecord r : catalog.list(r -> host == null || r.host().equals(host))) {
            DumpSummary m = r.summary();
            if ((state != null && !m.state().wire().equals(state)) || (since != null && m.created().isBefore(since))
                    || (until != null && m.created().isAfter(until))) {
                continue;
            }
            out.add(summary(m));
        }
        return out;
    }

    static Map<String, Object> summary(DumpSummary m) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("id", m.id());
        s.put("host", m.host());
        s.put("state", m.state().wire());
        s.put("transport", m.transport());
        s.put("created", m.created().toString());
        s.put("finished", m.finished() == null ? null : m.finished().toString());
        s.put("dumpFile", m.dumpFile());
        s.put("size", m.size());
        s.put("kernel", m.kernel());
        s.put("crashTime", m.crashTime());
        s.put("format", m.format());
        s.put("signature", m.signature());
        s.put("panic", m.panic());
        s.put("problem", m.problem());
        return s;
    }

    static String param(QueryStringDecoder q, String name) {
        List<String> v = q.parameters().get(name);
        return v == null || v.isEmpty() || v.get(0).isEmpty() ? null : v.get(0);
    }

    private static Instant time(QueryStringDecoder q, String name) {
        String v = param(q, name);
        if (v == null) {
            return null;
        }
        try {
            return Instant.parse(v);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(name + " \"" + v + "\": expected an ISO-8601 instant like 2026-11-23T10:00:00Z");
        }
    }
}
