package io.vmcored.server.http.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmcored.protocol.testsupport.Fixtures;
import io.vmcored.protocol.testsupport.Requirements;
import io.vmcored.server.daemon.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The web console in Debian's headless Chromium against a real server, with real fixture
 * streams sent by curl (throttled, so the upload is seen in flight) and nc: live progress,
 * the dump's page with its panic line and whole kernel log, a signature group of two, a
 * download byte-identical to makedumpfile -R's output, delete with its confirmation. Each page
 * is photographed into docs/console/.
 */
class ConsoleBrowserTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FIXTURE = "kdump-zlib-d31";

    @TempDir
    Path tmp;

    @Test
    void anUploadIsSeenLiveThenItsCrashItsGroupItsDownloadAndItsDeletion() throws Exception {
        Requirements.requirePrograms("curl", "nc");
        Path stream = Fixtures.stream(FIXTURE);
        Path oracle = Fixtures.oracle(FIXTURE);
        String dmesg = Files.readString(Fixtures.dmesg(FIXTURE), StandardCharsets.UTF_8);
        try (TestServer s = TestServer.start(tmp);
             Browser b = Browser.open(tmp, s.http(), 1280, 1100)) {
            b.go("#/");
            b.element("#uploads li.muted"); // "no upload is running": the page is live
            // 16 MB at 2 MB/s: about 8 s in flight
            Process curl = new ProcessBuilder("curl", "-sS", "--fail", "--limit-rate", "2M", "-o", tmp.resolve("put.json").toString(),
                    "-T", stream.toString(), "http://127.0.0.1:" + s.http() + "/api/v1/dumps/web1")
                    .redirectErrorStream(true).start();
            String id = b.until("an upload in flight", d -> b.read("#uploads li[data-dump]", "data-dump"));
            assertTrue(id.startsWith("web1@"), "the upload in flight names its dump: " + id);
            long first = Long.parseLong(b.read("#uploads li[data-dump]", "data-bytes"));
            long later = b.until("the upload's bytes to rise above " + first, d -> {
                String v = b.read("#uploads li[data-dump]", "data-bytes");
                return v != null && Long.parseLong(v) > first ? Long.parseLong(v) : null;
            });
            assertTrue(later > first && later < Files.size(stream), "progress rose: " + first + " -> " + later);
            assertEquals(String.valueOf(Files.size(stream)), b.read("#uploads li[data-dump] progress", "max"),
                    "curl sent Content-Length: the size is known");
            String numbers = b.until("rate and time left", d -> {
                String t = b.read("#uploads .upload-numbers", "text");
                return t != null && t.contains("left") ? t : null;
            });
            assertTrue(numbers.contains("of 15.8 MiB") && numbers.contains("/s"), "bytes of size, rate, time left: " + numbers);
            assertTrue(b.read("#uploads li[data-dump]", "text").contains("over http"), "transport shown");
            b.screenshot("overview");
            assertTrue(curl.waitFor(120, TimeUnit.SECONDS), "curl finished");
            assertEquals(0, curl.exitValue(), "curl --fail: the upload was answered 201");
            b.element("#uploads li.muted"); // the list emptied when it ended
            b.until("the dump in the last 24 hours, complete", d -> d.findElements(
                    By.cssSelector("#recent tr[data-id='" + id + "'] .state-complete")).isEmpty() ? null : true);
            assertFalse(b.text("main").contains("null"), "no missing value shown as null: " + b.text("main"));

            // its page: the panic line and the whole kernel log, crash lines marked
            b.go("#/dump/" + id);
            String panic = b.text("#panic-line");
            assertTrue(panic.startsWith("Kernel panic - not syncing:") && dmesg.contains(panic),
                    "the panic line, as in the kernel log: " + panic);
            WebElement log = b.element("#kernel-log");
            long lines = dmesg.lines().count();
            assertEquals(lines, log.findElements(By.tagName("span")).size(), "every line of the kernel log is shown");
            assertFalse(log.findElements(By.cssSelector("span.crash")).isEmpty(), "crash lines are highlighted");
            assertTrue(b.text("#kernel-log").contains(panic), "the log holds the panic line");
            b.screenshot("dump");
            b.element("#log-search").sendKeys("panic");
            assertTrue(b.text("#log-matches").matches("\\d+ of " + lines + " lines match"), b.text("#log-matches"));

            // a second upload of the same crash over TCP: one group of two
            s.sh("nc -N 127.0.0.1 $PORT < " + stream);
            b.go("#/signatures");
            WebElement count = b.until("a signature group of 2", d -> {
                List<WebElement> c = d.findElements(By.cssSelector("#signatures td.count"));
                return c.size() == 1 && c.get(0).getText().equals("2") ? c.get(0) : null;
            });
            assertEquals("2", count.getText());
            b.screenshot("signatures");
            b.go("#/hosts");
            b.element("#hosts tr[data-host='web1']");
            b.element("#hosts tr[data-host='127.0.0.1']");
            b.screenshot("hosts");
            b.go("#/dumps");
            b.until("both dumps listed", d -> d.findElements(By.cssSelector("table.dumps tbody tr")).size() == 2 ? true : null);

            // a download through the browser is byte-identical to makedumpfile -R's output
            b.go("#/dump/" + id);
            b.element("#files a[data-file='vmcore']").click();
            Path saved = b.until("the download", d -> {
                try (var files = Files.list(b.downloads)) {
                    return files.filter(p -> p.getFileName().toString().endsWith("-vmcore")).findFirst()
                            .filter(p -> {
                                try {
                                    return Files.size(p) == Files.size(oracle);
                                } catch (java.io.IOException e) {
                                    return false;
                                }
                            }).orElse(null);
                } catch (java.io.IOException e) {
                    return null;
                }
            });
            assertEquals(-1, Files.mismatch(saved, oracle), "downloaded " + saved.getFileName() + " equals makedumpfile -R's");

            // delete asks first: cancel keeps it, confirm removes it
            b.element("#delete").click();
            b.element("#confirm-delete");
            b.screenshot("delete");
            b.element("#delete-cancel").click();
            assertTrue(s.ctx().catalog().get(id).isPresent(), "cancel keeps the dump");
            b.element("#delete").click();
            b.element("#delete-confirm").click();
            b.until("back on the dumps page", d -> d.getCurrentUrl().endsWith("#/dumps") ? true : null);
            b.until("one dump left", d -> d.findElements(By.cssSelector("table.dumps tbody tr")).size() == 1 ? true : null);
            assertTrue(s.ctx().catalog().get(id).isEmpty(), "the dump left the catalog");
            JsonNode gone = JSON.readTree(s.sh("curl -sS http://127.0.0.1:$HTTP/api/v1/dumps/" + id.replace("@", "%40")));
            assertEquals("not_found", gone.get("error").asText(), "the API no longer knows it");
        }
    }
}
