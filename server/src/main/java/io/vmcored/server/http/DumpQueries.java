package io.vmcored.server.http;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.vmcored.server.catalog.DumpCatalog;
import io.vmcored.server.catalog.DumpPage;
import io.vmcored.server.catalog.DumpQuery;
import io.vmcored.server.catalog.DumpState;
import io.vmcored.server.catalog.PageCursor;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code GET /api/v1/dumps?limit=&cursor=&host=&state=&signature=&kernel=&since=&until=&q=}: one
 * page of the catalog, newest first, as {@code {"items":[...],"total":N,"next":cursor|null}}.
 * Every parameter is checked: a typo (an unknown parameter, a host or signature no dump has)
 * is an IllegalArgumentException naming the parameter and the value (a 400), never an empty
 * page that looks like "no such dumps". An empty value counts as not given.
 */
final class DumpQueries {

    private static final List<String> PARAMS = List.of("limit", "cursor", "host", "state", "signature", "kernel", "since",
            "until", "q");
    private static final String STATES = Arrays.stream(DumpState.values()).map(DumpState::wire)
            .collect(Collectors.joining(", "));

    private DumpQueries() {
    }

    static DumpPage list(DumpCatalog catalog, QueryStringDecoder q) {
        return catalog.list(query(catalog, q));
    }

    static DumpQuery query(DumpCatalog catalog, QueryStringDecoder q) {
        for (Map.Entry<String, List<String>> p : q.parameters().entrySet()) {
            if (!PARAMS.contains(p.getKey())) {
                throw new IllegalArgumentException("unknown query parameter \"" + p.getKey() + "\" (value \""
                        + String.join(",", p.getValue()) + "\"); expected " + String.join(", ", PARAMS));
            }
            if (p.getValue().size() > 1) {
                throw new IllegalArgumentException(p.getKey() + " given " + p.getValue().size() + " times ("
                        + String.join(", ", p.getValue()) + "): expected once");
            }
        }
        DumpQuery query = DumpQuery.newest()
                .withState(state(param(q, "state")))
                .withSince(time(q, "since"))
                .withUntil(time(q, "until"));
        String limit = param(q, "limit");
        if (limit != null) {
            query = query.withLimit(limit(limit));
        }
        String cursor = param(q, "cursor");
        if (cursor != null) {
            query = query.withCursor(PageCursor.decode(cursor));
        }
        for (DumpQuery.Field f : DumpQuery.Field.values()) {
            String v = param(q, f.param());
            if (v != null && !catalog.knows(f, v)) {
                throw new IllegalArgumentException(f.param() + " \"" + v + "\": no dump " + switch (f) {
                    case HOST -> "of this host";
                    case SIGNATURE -> "with this crash signature";
                    case KERNEL -> "of this kernel release";
                } + " in the catalog");
            }
        }
        return query.withHost(param(q, "host")).withSignature(param(q, "signature")).withKernel(param(q, "kernel"))
                .withText(param(q, "q"));
    }

    static String param(QueryStringDecoder q, String name) {
        List<String> v = q.parameters().get(name);
        return v == null || v.isEmpty() || v.get(0).isEmpty() ? null : v.get(0);
    }

    private static DumpState state(String v) {
        if (v == null) {
            return null;
        }
        for (DumpState s : DumpState.values()) {
            if (s.wire().equals(v)) {
                return s;
            }
        }
        throw new IllegalArgumentException("state \"" + v + "\": expected one of " + STATES);
    }

    private static int limit(String v) {
        try {
            int n = Integer.parseInt(v);
            if (n >= 1 && n <= DumpQuery.MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("limit \"" + v + "\": expected a whole number from 1 to " + DumpQuery.MAX_LIMIT
                + " (default " + DumpQuery.DEFAULT_LIMIT + ")");
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
