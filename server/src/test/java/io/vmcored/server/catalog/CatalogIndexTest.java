package io.vmcored.server.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The catalog's indexes: every filter, paging with cursors, replacement, removal, handshake look-ups, concurrency. */
class CatalogIndexTest {

    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    private static final DumpState C = DumpState.COMPLETE;
    private static final DumpState I = DumpState.INCOMPLETE;
    private static final DumpState R = DumpState.RECEIVING;

    static DumpSummary dump(String host, int minute, DumpState state, String signature, String kernel, String clientId) {
        String id = host + "@2026-11-23-10:" + String.format("%02d:00", minute);
        return new DumpSummary(id, host, clientId, state, "tcp", T0.plusSeconds(60L * minute),
                state.finished() ? T0.plusSeconds(60L * minute + 5) : null, "vmcore", 1000, 1200, "kdump-compressed",
                kernel, null, signature, signature == null ? null : "panic " + signature, null);
    }

    /** Ten dumps, one a minute: what each filter must give, newest first. */
    private static CatalogIndex tenDumps() {
        CatalogIndex ix = new CatalogIndex();
        ix.put(dump("web1", 0, C, "aaaa", "6.1.0-1", "b1"));
        ix.put(dump("web2", 1, C, "aaaa", "6.1.0-1", "b1"));
        ix.put(dump("db1", 2, I, "bbbb", "6.1.0-2", null));
        ix.put(dump("web1", 3, C, "bbbb", "6.1.0-2", "b2"));
        ix.put(dump("web1", 4, I, null, null, "b3"));
        ix.put(dump("db1", 5, C, "aaaa", "6.1.0-2", null));
        ix.put(dump("web2", 6, R, null, null, "b2"));
        ix.put(dump("web1", 7, C, "aaaa", "6.1.0-1", "b4"));
        ix.put(dump("db1", 8, DumpState.REJECTED, null, null, null));
        ix.put(dump("web2", 9, C, "bbbb", "6.1.0-1", "b3"));
        return ix;
    }

    private record Case(String name, UnaryOperator<DumpQuery> query, String expectedMinutes) {
    }

    @Test
    void eachFilterAloneAndCombinedGivesItsDumpsNewestFirst() {
        CatalogIndex ix = tenDumps();
        List<Case> cases = List.of(
                new Case("no filter", q -> q, "9 8 7 6 5 4 3 2 1 0"),
                new Case("host web1", q -> q.withHost("web1"), "7 4 3 0"),
                new Case("host db1", q -> q.withHost("db1"), "8 5 2"),
                new Case("state complete", q -> q.withState(C), "9 7 5 3 1 0"),
                new Case("state incomplete", q -> q.withState(I), "4 2"),
                new Case("state receiving", q -> q.withState(R), "6"),
                new Case("signature aaaa", q -> q.withSignature("aaaa"), "7 5 1 0"),
                new Case("kernel 6.1.0-2", q -> q.withKernel("6.1.0-2"), "5 3 2"),
                new Case("since minute 5", q -> q.withSince(T0.plusSeconds(300)), "9 8 7 6 5"),
                new Case("until minute 3 (inclusive)", q -> q.withUntil(T0.plusSeconds(180)), "3 2 1 0"),
                new Case("since 2 until 6", q -> q.withSince(T0.plusSeconds(120)).withUntil(T0.plusSeconds(360)), "6 5 4 3 2"),
                new Case("host web1 + state complete", q -> q.withHost("web1").withState(C), "7 3 0"),
                new Case("state complete + signature aaaa", q -> q.withState(C).withSignature("aaaa"), "7 5 1 0"),
                new Case("signature bbbb + kernel 6.1.0-1", q -> q.withSignature("bbbb").withKernel("6.1.0-1"), "9"),
                new Case("host web2 + since 5", q -> q.withHost("web2").withSince(T0.plusSeconds(300)), "9 6"),
                new Case("all four fields + range", q -> q.withHost("web1").withState(C).withSignature("aaaa")
                        .withKernel("6.1.0-1").withSince(T0.plusSeconds(60)).withUntil(T0.plusSeconds(600)), "7"),
                new Case("host without dumps", q -> q.withHost("nope"), ""),
                new Case("signature without dumps", q -> q.withSignature("cccc"), ""),
                new Case("state rejected + host web1", q -> q.withState(DumpState.REJECTED).withHost("web1"), ""),
                new Case("range before every dump", q -> q.withUntil(T0.minusSeconds(1)), ""));
        for (Case c : cases) {
            DumpPage p = ix.page(c.query.apply(DumpQuery.newest()));
            assertEquals(c.expectedMinutes, minutes(p.items()), c.name + ": dumps, newest first");
            assertEquals(c.expectedMinutes.isEmpty() ? 0 : c.expectedMinutes.split(" ").length, p.total(), c.name + ": total");
            assertNull(p.next(), c.name + ": one page holds them all, so no next cursor");
        }
    }

    @Test
    void pagingWithCursorsGivesEveryMatchOnceNewestFirst() {
        List<DumpSummary> dumps = randomDumps(1500);
        CatalogIndex ix = new CatalogIndex();
        dumps.forEach(ix::put);
        assertPagesGiveEveryMatch(ix, dumps);
    }

    /** The start-up fills the index at once: it must answer exactly as one filled dump by dump, and stay right after changes. */
    @Test
    void anIndexLoadedAtOncePagesLikeOneFilledDumpByDump() {
        List<DumpSummary> dumps = new ArrayList<>(randomDumps(1500));
        CatalogIndex ix = new CatalogIndex();
        ix.load(dumps);
        assertPagesGiveEveryMatch(ix, dumps);
        for (int i = 0; i < 300; i++) { // then the usual traffic: states change, dumps go
            DumpSummary d = dumps.get(i * 5);
            DumpSummary done = new DumpSummary(d.id(), d.host(), d.clientId(), C, d.transport(), d.created(), null,
                    d.dumpFile(), d.size(), d.totalBytes(), d.format(), d.kernel(), null, d.signature(), null, null);
            ix.put(done);
            dumps.set(i * 5, done);
        }
        for (int i = 0; i < 100; i++) {
            assertTrue(ix.remove(dumps.remove(dumps.size() - 1 - i * 3).id()), "removed");
        }
        assertEquals(dumps.size(), ix.size(), "size after changes");
        assertPagesGiveEveryMatch(ix, dumps);
        assertThrows(IllegalStateException.class, () -> ix.load(dumps), "load() only fills an empty index");
    }

    private static List<DumpSummary> randomDumps(int n) {
        Random rnd = new Random(7);
        List<DumpSummary> dumps = new ArrayList<>();
        DumpState[] st = DumpState.values();
        for (int i = 0; i < n; i++) {
            String host = "h" + rnd.nextInt(25);
            // several dumps share a second: the id decides between them
            Instant created = T0.plusSeconds(rnd.nextInt(600));
            String id = host + "@" + created + "." + i;
            DumpSummary d = new DumpSummary(id, host, "c" + i, st[rnd.nextInt(st.length)], "http", created, null,
                    "vmcore", i, i, null, "k" + rnd.nextInt(3), null, rnd.nextInt(4) == 0 ? null : "s" + rnd.nextInt(6),
                    null, null);
            dumps.add(d);
        }
        return dumps;
    }

    private static void assertPagesGiveEveryMatch(CatalogIndex ix, List<DumpSummary> dumps) {
        List<UnaryOperator<DumpQuery>> queries = List.of(q -> q, q -> q.withHost("h3"), q -> q.withState(C),
                q -> q.withSignature("s2"), q -> q.withKernel("k1"), q -> q.withHost("h4").withState(I),
                q -> q.withState(C).withSignature("s1").withKernel("k0"),
                q -> q.withSince(T0.plusSeconds(100)).withUntil(T0.plusSeconds(200)),
                q -> q.withState(C).withSince(T0.plusSeconds(300)));
        for (int qi = 0; qi < queries.size(); qi++) {
            for (int limit : new int[] {1, 7, 50, 1000}) {
                DumpQuery q = queries.get(qi).apply(DumpQuery.newest()).withLimit(limit);
                List<DumpSummary> want = dumps.stream().filter(q::matches)
                        .sorted(DumpSummary.ORDER.reversed()).toList();
                List<DumpSummary> got = new ArrayList<>();
                DumpPage p = ix.page(q);
                int pages = 1;
                while (true) {
                    assertEquals(want.size(), p.total(), "query " + qi + " limit " + limit + ": total on page " + pages);
                    assertTrue(p.items().size() <= limit, "page size within the limit");
                    got.addAll(p.items());
                    if (p.next() == null) {
                        break;
                    }
                    assertEquals(limit, p.items().size(), "a page before the last is full");
                    p = ix.page(q.withCursor(PageCursor.decode(p.next())));
                    pages++;
                }
                assertEquals(ids(want), ids(got), "query " + qi + " limit " + limit + ": each match once, newest first");
            }
        }
    }

    @Test
    void replacingASummaryMovesItBetweenSets() {
        CatalogIndex ix = new CatalogIndex();
        DumpSummary receiving = dump("web1", 0, R, null, null, "b1");
        ix.put(receiving);
        ix.put(dump("web1", 1, C, "aaaa", "6.1.0-1", "b2"));
        assertEquals(1, ix.count("web1", R), "receiving before");
        assertFalse(ix.knows(DumpQuery.Field.SIGNATURE, "bbbb"), "no dump has bbbb yet");

        ix.put(dump("web1", 0, C, "bbbb", "6.1.0-2", "b1"));
        assertEquals(2, ix.size(), "a replacement is not a second dump");
        assertEquals(0, ix.count("web1", R), "receiving after the dump ended");
        assertEquals(2, ix.count("web1", C), "complete after the dump ended");
        assertEquals("", minutes(ix.page(DumpQuery.newest().withState(R)).items()), "receiving set");
        assertEquals("1 0", minutes(ix.page(DumpQuery.newest().withState(C)).items()), "complete set");
        assertEquals("0", minutes(ix.page(DumpQuery.newest().withSignature("bbbb")).items()), "new signature set");
        assertEquals("0", minutes(ix.page(DumpQuery.newest().withKernel("6.1.0-2")).items()), "new kernel set");
        assertEquals(C, ix.get(receiving.id()).orElseThrow().state(), "get gives the new summary");

        // analysed again under another signature: the old group no longer knows it
        ix.put(dump("web1", 0, C, "aaaa", "6.1.0-1", "b1"));
        assertFalse(ix.knows(DumpQuery.Field.SIGNATURE, "bbbb"), "bbbb's last dump moved away");
        assertFalse(ix.knows(DumpQuery.Field.KERNEL, "6.1.0-2"), "6.1.0-2's last dump moved away");
        assertEquals("1 0", minutes(ix.page(DumpQuery.newest().withSignature("aaaa")).items()), "aaaa set");
    }

    @Test
    void removalLeavesEveryIndex() {
        CatalogIndex ix = tenDumps();
        DumpSummary db1 = dump("db1", 2, I, "bbbb", "6.1.0-2", null);
        assertTrue(ix.remove(db1.id()), "removed");
        assertFalse(ix.remove(db1.id()), "a second removal finds nothing");
        assertEquals(9, ix.size(), "size");
        assertEquals(Optional.empty(), ix.get(db1.id()), "get");
        assertEquals("4", minutes(ix.page(DumpQuery.newest().withState(I)).items()), "state set");
        assertEquals("5 3", minutes(ix.page(DumpQuery.newest().withKernel("6.1.0-2")).items()), "kernel set");
        assertEquals("8 5", minutes(ix.page(DumpQuery.newest().withHost("db1")).items()), "host set");
        assertEquals(0, ix.count("db1", I), "per-host state count");
        for (String id : List.of("db1@2026-11-23-10:05:00", "db1@2026-11-23-10:08:00")) {
            ix.remove(id);
        }
        assertFalse(ix.knows(DumpQuery.Field.HOST, "db1"), "a host whose last dump went is unknown");
        assertEquals("0 1 3 4 6 7 9", minutes(ix.all()), "all(), oldest first");
    }

    @Test
    void byClientIdFindsTheNewestDumpOfThatHostAndSenderId() {
        CatalogIndex ix = tenDumps();
        assertEquals(Optional.of("web1@2026-11-23-10:00:00"), ix.byClientId("web1", "b1"), "web1 b1");
        assertEquals(Optional.of("web2@2026-11-23-10:01:00"), ix.byClientId("web2", "b1"), "same sender id, other host");
        assertEquals(Optional.empty(), ix.byClientId("web1", "zz"), "unknown sender id");
        assertEquals(Optional.empty(), ix.byClientId("nope", "b1"), "unknown host");
        // the sender reuses b1: the newer dump wins, in either order of arrival
        ix.put(dump("web1", 8, C, null, null, "b1"));
        assertEquals(Optional.of("web1@2026-11-23-10:08:00"), ix.byClientId("web1", "b1"), "newest of two");
        ix.put(dump("web1", 6, C, null, null, "b1"));
        assertEquals(Optional.of("web1@2026-11-23-10:08:00"), ix.byClientId("web1", "b1"), "an older one added later");
        ix.remove("web1@2026-11-23-10:08:00");
        assertEquals(Optional.of("web1@2026-11-23-10:06:00"), ix.byClientId("web1", "b1"), "after the newest went");
    }

    @Test
    void countsPerHostAndState() {
        CatalogIndex ix = tenDumps();
        assertEquals(3, ix.count("web1", C), "web1 complete");
        assertEquals(1, ix.count("web1", I), "web1 incomplete");
        assertEquals(0, ix.count("nope", C), "unknown host");
        assertTrue(ix.knows(DumpQuery.Field.HOST, "web2"), "known host");
        assertTrue(ix.knows(DumpQuery.Field.KERNEL, "6.1.0-1"), "known kernel");
        assertFalse(ix.knows(DumpQuery.Field.KERNEL, "6.1.0-9"), "unknown kernel");
    }

    @Test
    void concurrentPutsWhilePagingNeverThrowNorRepeatADump() throws Exception {
        CatalogIndex ix = new CatalogIndex();
        for (int i = 0; i < 2000; i++) {
            ix.put(withId(dump("h" + (i % 50), i % 60, i % 3 == 0 ? C : I, "s" + (i % 5), "k", "c" + i), "x" + i));
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            Random rnd = new Random(1);
            try {
                while (!stop.get()) {
                    int i = rnd.nextInt(3000);
                    if (rnd.nextBoolean()) {
                        ix.put(withId(dump("h" + (i % 50), i % 60, rnd.nextBoolean() ? C : R, "s" + rnd.nextInt(5), "k",
                                "c" + i), "x" + i));
                    } else {
                        ix.remove("x" + i);
                    }
                }
            } catch (Throwable t) {
                failed.set(t);
            }
        });
        writer.start();
        try {
            long end = System.nanoTime() + 1_000_000_000L; // a shared 2-core VM: bounded by time, not rounds
            for (int round = 0; round < 60 && System.nanoTime() < end; round++) {
                DumpQuery q = round % 2 == 0 ? DumpQuery.newest().withLimit(37) : DumpQuery.newest().withState(C).withLimit(37);
                DumpPage p = ix.page(q);
                List<DumpSummary> seen = new ArrayList<>(p.items());
                for (int pages = 0; p.next() != null && pages < 100; pages++) {
                    p = ix.page(q.withCursor(PageCursor.decode(p.next())));
                    seen.addAll(p.items());
                }
                assertOrdered(seen); // strictly newest first across pages: nothing repeated while dumps changed
            }
        } finally {
            stop.set(true);
            writer.join();
        }
        assertNull(failed.get(), "writer failed: " + failed.get());
    }

    @Test
    void badLimitsAndCursorsAreRefusedWithTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DumpQuery.newest().withLimit(1001));
        assertEquals("limit 1001: expected 1 to 1000", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DumpQuery.newest().withLimit(0), "limit 0");
        for (String bad : List.of("", "!!!", "bm90IGEgY3Vyc29y", "MjAyNi0xMS0yM1QxMDowMDowMFo")) {
            e = assertThrows(IllegalArgumentException.class, () -> PageCursor.decode(bad), "cursor " + bad);
            assertTrue(e.getMessage().startsWith("cursor \"" + bad + "\": expected the \"next\" value"), e.getMessage());
        }
        PageCursor c = new PageCursor(T0, "web1@2026-11-23-10:00:00");
        assertEquals(c, PageCursor.decode(c.encode()), "a cursor survives its encoding");
    }

    private static void assertOrdered(List<DumpSummary> items) {
        for (int i = 1; i < items.size(); i++) {
            int at = i;
            assertTrue(DumpSummary.ORDER.compare(items.get(i - 1), items.get(i)) > 0,
                    () -> "newest first, strictly: " + items.get(at - 1).id() + " then " + items.get(at).id());
        }
    }

    private static String minutes(List<DumpSummary> items) {
        return String.join(" ", items.stream()
                .map(s -> Long.toString((s.created().getEpochSecond() - T0.getEpochSecond()) / 60)).toList());
    }

    private static List<String> ids(List<DumpSummary> items) {
        return items.stream().map(DumpSummary::id).toList();
    }

    private static DumpSummary withId(DumpSummary d, String id) {
        return new DumpSummary(id, d.host(), d.clientId(), d.state(), d.transport(), d.created(), d.finished(),
                d.dumpFile(), d.size(), d.totalBytes(), d.format(), d.kernel(), d.crashTime(), d.signature(), d.panic(),
                d.problem());
    }
}
