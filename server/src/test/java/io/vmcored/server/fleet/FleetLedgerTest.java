package io.vmcored.server.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.server.config.FleetSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fleet-wide full-dump ledger on a real PostgreSQL, through two ledgers with pools of their
 * own (two collectors): a crowd of grants of one signature at once never exceeds the quota, a
 * dump asking again keeps its grant, other signatures and old grants do not count.
 */
class FleetLedgerTest {

    private static final Duration DAY = Duration.ofHours(24);
    @RegisterExtension
    static final PostgresPerClass PG = new PostgresPerClass();

    @Test
    void twoHundredGrantsAtOnceOnTwoCollectorsGiveExactlyTheQuota() throws Exception {
        String url = PG.server().createDatabase("ledger");
        try (FleetDatabase dbA = FleetDatabase.open(settings(url, "a")); FleetDatabase dbB = FleetDatabase.open(settings(url, "b"))) {
            FleetLedger a = new FleetLedger(dbA, "a");
            FleetLedger b = new FleetLedger(dbB, "b");
            Instant now = Instant.now();
            int crowd = 200;
            ExecutorService pool = Executors.newFixedThreadPool(16);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Boolean>> answers = new ArrayList<>();
            for (int i = 0; i < crowd; i++) {
                FleetLedger on = i % 2 == 0 ? a : b;
                String dump = "host" + i + "@d1";
                String signature = i % 4 == 3 ? "other0000000000" : "crowd0000000000";
                answers.add(pool.submit(() -> {
                    go.await();
                    return on.take(signature, dump, 3, DAY, now);
                }));
            }
            long t0 = System.nanoTime();
            go.countDown();
            int granted = 0;
            for (Future<Boolean> f : answers) {
                granted += f.get(60, TimeUnit.SECONDS) ? 1 : 0;
            }
            long millis = (System.nanoTime() - t0) / 1_000_000;
            pool.shutdown();
            System.out.println("fleet ledger: " + crowd + " grants asked at once on 2 collectors in " + millis + " ms");
            assertEquals(6, granted, "3 of each of the two signatures, whichever collector was asked");
            assertTrue(dbA.reachability().up() && dbB.reachability().up(), "no call fell back on the local ledger");
            assertEquals(Map.of("crowd0000000000", 3, "other0000000000", 3), b.counts(DAY, now), "the fleet's counts");

            String first = firstGranted("crowd0000000000");
            assertTrue(b.take("crowd0000000000", first, 3, DAY, now), "a granted dump asking the other collector keeps its grant");
            assertEquals(3, a.count("crowd0000000000", DAY, now), "and is not counted twice");
            assertTrue(!a.take("crowd0000000000", "late@d1", 3, DAY, now), "the window is full");
            assertTrue(a.take("crowd0000000000", "late@d1", 3, DAY, now.plus(Duration.ofHours(25))),
                    "a day later the window has room again");
            assertTrue(a.take("crowd0000000000", "extra@d1", 5, DAY, now.plus(Duration.ofMinutes(1))),
                    "an operator's extra allowance (N + extra) lets one more through");

            SQLException refused = assertThrows(SQLException.class, () -> {
                try (Connection c = dbA.connection(); Statement st = c.createStatement()) {
                    st.execute("SELECT * FROM no_such_table");
                }
            });
            assertFalse(FleetDatabase.outage(refused), "a statement the database refuses is no outage: " + refused);
            dbA.reachability().failed("a test statement", refused);
            assertTrue(dbA.reachability().up(), "the database still counts as reachable");
        }
    }

    private static String firstGranted(String signature) throws Exception {
        for (int i = 0; i < 200; i++) {
            if (i % 4 != 3 && granted(signature, "host" + i + "@d1")) {
                return "host" + i + "@d1";
            }
        }
        throw new AssertionError("no grant of " + signature + " in full_grants");
    }

    private static FleetSettings settings(String url, String node) {
        FleetSettings s = new FleetSettings();
        s.url = url;
        s.user = PostgresServer.USER;
        s.password = PostgresServer.PASSWORD;
        s.nodeName = node;
        return s;
    }

    private static boolean granted(String signature, String dump) throws Exception {
        try (var c = PG.server().connect("ledger");
             var ps = c.prepareStatement("SELECT 1 FROM full_grants WHERE signature = ? AND dump_id = ?")) {
            ps.setString(1, signature);
            ps.setString(2, dump);
            try (var rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
