package io.vmcored.server.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vmcored.protocol.rearrange.ContentKind;
import io.vmcored.protocol.testsupport.Fixtures;
import io.vmcored.server.catalog.DumpRecord;
import io.vmcored.server.daemon.TestServer;
import io.vmcored.server.http.PrometheusText;
import io.vmcored.server.ingest.IngestService;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Only dumps are dumps on the ingest port: what real clients send there by mistake (a browser's
 * request, a TLS client, noise, a few bytes) is refused before any dump directory exists,
 * counted under {@code not_a_dump}, logged in one line; a real dump stream still arrives whole.
 */
class BareStreamTest {

    private static final String REFUSED = "vmcored_uploads_refused_total{reason=\"not_a_dump\"}";

    @TempDir
    Path tmp;

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(IngestService.class);

    @BeforeEach
    void captureLog() {
        log.start();
        logger.addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        logger.detachAppender(log);
    }

    @Test
    void whatIsNoDumpIsRefusedAndADumpStillStored() throws Exception {
        Path noise = tmp.resolve("noise");
        Files.write(noise, noise(1 << 20));
        try (TestServer s = TestServer.start(tmp)) {
            assertEquals(0.0, scrape(s), "exported at 0 before any refusal");
            refused(s, 1, "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -N 127.0.0.1 $PORT", "looks like an HTTP request");
            refused(s, 2, "curl -sS --max-time 20 https://127.0.0.1:$PORT/ || true", "looks like a TLS handshake");
            refused(s, 3, "nc -N 127.0.0.1 $PORT < " + noise + " || true", "unknown bytes (12 bytes: ");
            refused(s, 4, "printf 'abcde' | nc -N 127.0.0.1 $PORT", "(5 bytes: 6162636465)");

            s.sh("nc -N 127.0.0.1 $PORT < " + Fixtures.stream("kdump-zlib-d31"));
            DumpRecord r = TcpIngestTest.only(s, "127.0.0.1");
            TcpIngestTest.waitFinished(r);
            assertEquals(-1, Files.mismatch(r.fileFor("vmcore"), Fixtures.oracle("kdump-zlib-d31")),
                    "stored dump must equal makedumpfile -R output");
            assertEquals(4.0, scrape(s), "a dump is not refused");
        }
    }

    /** Runs {@code client}, then expects no dump, the counter at {@code count} and one more WARN line. */
    private void refused(TestServer s, int count, String client, String looksLike) throws Exception {
        String out = s.sh(client);
        assertEquals("", out.trim(), "a bare sender reads nothing: " + client);
        assertEquals(count, scrape(s), "not_a_dump refusals after: " + client);
        List<String> warnings = log.list.stream().filter(e -> e.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
        assertEquals(count, warnings.size(), "one WARN line per refusal: " + warnings);
        String line = warnings.get(count - 1);
        assertTrue(line.contains("127.0.0.1") && line.contains(looksLike), "names the peer and the bytes: " + line);
        assertTrue(log.list.get(log.list.size() - 1).getThrowableProxy() == null, "no stack trace: " + line);
        assertEquals(0, s.ctx().catalog().size(), "no dump for what is no dump");
        assertFalse(Files.exists(s.config.spoolDir.resolve("127.0.0.1")), "no dump directory");
    }

    /** The counter as exported, once its refusal was counted (the server may still be closing). */
    private static double scrape(TestServer s) throws Exception {
        return PrometheusText.parse(s.sh("curl -sS http://127.0.0.1:" + s.http() + "/metrics")).get(REFUSED);
    }

    /** Seeded noise whose head sniffs as no dump kind. */
    private static byte[] noise(int size) {
        Random random = new Random(42);
        byte[] b = new byte[size];
        do {
            random.nextBytes(b);
        } while (ContentKind.sniff(ByteBuffer.wrap(b, 0, ContentKind.SNIFF_BYTES)) != ContentKind.PLAIN);
        return b;
    }
}
