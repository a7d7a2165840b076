package io.vmcored.server.catalog;

import java.time.Instant;
import java.util.Locale;

/**
 * One page of a newest-first listing: filters (null = any), how many dumps at most, and
 * where the previous page ended. Times bound {@code created}, both inclusive. Built with
 * {@link #newest()} and the {@code with} methods; every value is checked when set.
 */
public record DumpQuery(String host, DumpState state, String signature, String kernel, Instant since,
                        Instant until, int limit, PageCursor cursor, String text) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 1000;

    /** The filters whose values only exist when some dump has them (a typo must not look like "no dumps"). */
    public enum Field {
        HOST, SIGNATURE, KERNEL;

        public String param() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public DumpQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit " + limit + ": expected 1 to " + MAX_LIMIT);
        }
        if (since != null && until != null && since.isAfter(until)) {
            throw new IllegalArgumentException("since " + since + " is after until " + until + ": no dump can match");
        }
    }

    /** Every dump, newest first, {@value #DEFAULT_LIMIT} per page. */
    public static DumpQuery newest() {
        return new DumpQuery(null, null, null, null, null, null, DEFAULT_LIMIT, null, null);
    }

    public DumpQuery withHost(String h) {
        return new DumpQuery(h, state, signature, kernel, since, until, limit, cursor, text);
    }

    public DumpQuery withState(DumpState s) {
        return new DumpQuery(host, s, signature, kernel, since, until, limit, cursor, text);
    }

    public DumpQuery withSignature(String s) {
        return new DumpQuery(host, state, s, kernel, since, until, limit, cursor, text);
    }

    public DumpQuery withKernel(String k) {
        return new DumpQuery(host, state, signature, k, since, until, limit, cursor, text);
    }

    public DumpQuery withSince(Instant t) {
        return new DumpQuery(host, state, signature, kernel, t, until, limit, cursor, text);
    }

    public DumpQuery withUntil(Instant t) {
        return new DumpQuery(host, state, signature, kernel, since, t, limit, cursor, text);
    }

    public DumpQuery withLimit(int n) {
        return new DumpQuery(host, state, signature, kernel, since, until, n, cursor, text);
    }

    public DumpQuery withCursor(PageCursor c) {
        return new DumpQuery(host, state, signature, kernel, since, until, limit, c, text);
    }

    /**
     * Only dumps with {@code t} (case-insensitive) in their id, host, kernel, signature, panic
     * line or problem: a search, which walks the dumps in the time range.
     */
    public DumpQuery withText(String t) {
        return new DumpQuery(host, state, signature, kernel, since, until, limit, cursor,
                t == null || t.isBlank() ? null : t.strip().toLowerCase(Locale.ROOT));
    }

    /** The value this query filters {@code f} by, or null. */
    public String value(Field f) {
        return switch (f) {
            case HOST -> host;
            case SIGNATURE -> signature;
            case KERNEL -> kernel;
        };
    }

    private boolean found(DumpSummary s) {
        for (String field : new String[] {s.id(), s.kernel(), s.signature(), s.panic(), s.problem()}) {
            if (field != null && field.toLowerCase(Locale.ROOT).contains(text)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code s} passes every filter (not the cursor). */
    public boolean matches(DumpSummary s) {
        return (host == null || host.equals(s.host())) && (state == null || state == s.state())
                && (signature == null || signature.equals(s.signature())) && (kernel == null || kernel.equals(s.kernel()))
                && (since == null || !s.created().isBefore(since)) && (until == null || !s.created().isAfter(until))
                && (text == null || found(s));
    }
}
