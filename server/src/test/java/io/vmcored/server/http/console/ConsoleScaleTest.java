package io.vmcored.server.http.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.server.config.ServerConfig;
import io.vmcored.server.daemon.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * The dumps page stays fast with a large catalog: a synthetic spool made by
 * bench/CatalogSpool.java (20,000 dumps of 200 hosts here; {@code -Dvmcored.console.dumps=100000}
 * for the figure in docs/performance.md), the page loaded cold in a fresh tab, first paint of
 * its 50 rows under a second; then a filter, a search and the next page.
 */
class ConsoleScaleTest {

    private static final int DUMPS = Integer.getInteger("vmcored.console.dumps", 20_000);

    @TempDir
    Path tmp;

    @Test
    void theDumpsPagePaintsWithinASecondWithAManyDumpCatalog() throws Exception {
        Browser.require();
        ServerConfig c = TestServer.config(tmp);
        Path log = tmp.resolve("catalog-spool.log");
        Process gen = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                Path.of("..", "bench", "CatalogSpool.java").toString(), c.spoolDir.toString(), String.valueOf(DUMPS), "200")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(gen.waitFor(10, TimeUnit.MINUTES), "CatalogSpool finished");
        long made = System.nanoTime();
        assertEquals(0, gen.exitValue(), "CatalogSpool: " + Files.readString(log));
        try (TestServer s = TestServer.start(c);
             Browser b = Browser.open(tmp, s.http(), 1280, 1100)) {
            assertEquals(DUMPS, s.ctx().catalog().size(), "every synthetic dump in the catalog");
            System.out.println("console: server started on " + DUMPS + " dumps in " + (System.nanoTime() - made) / 1_000_000 + " ms");
            b.go("#/"); // the browser and the server's code paths warmed once, on another page
            b.element("#recent");

            long best = Long.MAX_VALUE;
            for (int i = 0; i < 3; i++) {
                b.driver.get("about:blank");
                long t0 = System.nanoTime();
                b.go("#/dumps");
                b.until("50 rows", d -> d.findElements(By.cssSelector("table.dumps tbody tr")).size() == 50 ? true : null);
                long wall = (System.nanoTime() - t0) / 1_000_000;
                // navigation start to the rows in the document, as the page itself measured it
                long ms = Math.round(((Number) b.script(
                        "return performance.getEntriesByName('dumps-painted')[0].startTime")).doubleValue());
                System.out.println("console: dumps page with " + DUMPS + " dumps: rows painted " + ms
                        + " ms after navigation start (" + wall + " ms as WebDriver saw it); requests: " + b.script(
                        "return performance.getEntriesByType('resource').map(e => e.name.replace(/^.*\\/\\/[^/]+/, '')"
                        + " + ' ' + Math.round(e.startTime) + '+' + Math.round(e.duration)).join(', ')"));
                best = Math.min(best, ms);
            }
            // the best of three cold loads: the machine is shared, one slow load is another process's
            assertTrue(best < 1000, "first paint of the dumps page took " + best + " ms at best with " + DUMPS + " dumps");
            assertEquals(DUMPS + " dumps", b.text("#dump-total"), "the total");
            b.screenshot("dumps");

            String firstId = b.read("table.dumps tbody tr", "data-id");
            b.element("#next-page").click();
            b.until("the next page", d -> {
                String id = b.read("table.dumps tbody tr", "data-id");
                return id != null && !id.equals(firstId) ? true : null;
            });
            assertNotEquals(firstId, b.read("table.dumps tbody tr", "data-id"), "the next page starts elsewhere");

            String host = b.read("table.dumps tbody tr td a", "text");
            b.go("#/dumps?host=" + host + "&state=complete");
            b.until("only " + host, d -> d.findElements(By.cssSelector("table.dumps tbody tr")).stream()
                    .allMatch(tr -> tr.findElement(By.cssSelector("td a")).getText().equals(host)) ? true : null);
            b.go("#/dumps?q=softlockup");
            String total = b.until("a search result", d -> {
                String t = b.read("#dump-total", "text");
                return t != null && !t.startsWith(DUMPS + " ") ? t : null;
            });
            assertTrue(b.read("table.dumps tbody tr td.panic", "title").contains("softlockup"), "found by the panic line: " + total);
        }
    }
}
