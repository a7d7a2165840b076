package io.vmcored.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.vmcored.protocol.testsupport.Fixtures;
import io.vmcored.server.catalog.DumpRecord;
import io.vmcored.server.catalog.Manifest;
import io.vmcored.server.catalog.Transport;
import io.vmcored.server.config.ServerConfig;
import io.vmcored.server.daemon.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The operator's routes on one dump, driven by curl against a real server: files, HEAD, DELETE, missing files. */
class DumpRoutesTest {

    private static final String OP = "operator-secret-1";
    private static final String AUTH = " -H 'Authorization: Bearer " + OP + "' ";

    @TempDir
    Path tmp;

    @Test
    void everyListedFileDownloadsWithItsNameRangeAndHead() throws Exception {
        String fixture = "kdump-zlib-d31";
        Path flat = Fixtures.stream(fixture);
        Path clientLog = flat.resolveSibling(fixture + ".dmesg");
        ServerConfig c = TestServer.config(tmp);
        c.operatorToken = OP;
        try (TestServer s = TestServer.start(c)) {
            String base = "http://127.0.0.1:" + s.http() + "/api/v1/dumps";
            String id = HttpApiTest.json(s.sh("curl -sS -T " + flat + AUTH + "'" + base + "/web1?dump=b1'")).get("id").asText();
            s.sh("curl -sS -T " + clientLog + AUTH + "'" + base + "/web1?dump=b1&file=vmcore-dmesg.txt'");
            s.sh("curl -sS -X POST" + AUTH + "'" + base + "/web1/end?dump=b1'");
            JsonNode m = HttpApiTest.json(s.sh("curl -sS" + AUTH + "'" + base + "/" + id + "'"));
            for (int i = 0; i < 100 && (m.get("analysis") == null || m.get("analysis").get("dmesgFile") == null); i++) {
                Thread.sleep(100);
                m = HttpApiTest.json(s.sh("curl -sS" + AUTH + "'" + base + "/" + id + "'"));
            }
            assertEquals("dmesg.txt", m.get("analysis").get("dmesgFile").asText(), "the analysis' kernel log: " + m);
            String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC)
                    .format(Instant.parse(m.get("created").asText()));
            Path dir = s.ctx().catalog().get(id).orElseThrow().directory();
            String dumpFile = m.get("dumpFile").asText();

            Path got = tmp.resolve("got");
            String headers = s.sh("curl -sS -D - -o " + got + AUTH + "'" + base + "/" + id + "/files/vmcore-dmesg.txt'");
            assertEquals(-1, Files.mismatch(got, clientLog), "the client's kernel log as sent");
            assertEquals("attachment; filename=\"web1-" + stamp + "-vmcore-dmesg.txt\"",
                    HttpApiTest.header(headers, "content-disposition"), headers);
            s.sh("curl -sS -o " + got + AUTH + "'" + base + "/" + id + "/files/dmesg.txt'");
            assertEquals(-1, Files.mismatch(got, dir.resolve("dmesg.txt")), "the analysis' dmesg.txt");
            headers = s.sh("curl -sS -D - -o " + got + AUTH + "'" + base + "/" + id + "/files/" + dumpFile + "'");
            assertEquals(-1, Files.mismatch(got, Fixtures.oracle(fixture)), "the dump file by its name");
            assertEquals("attachment; filename=\"web1-" + stamp + "-" + dumpFile + "\"",
                    HttpApiTest.header(headers, "content-disposition"), headers);
            headers = s.sh("curl -sS -D - -o " + got + AUTH + "'" + base + "/" + id + "/vmcore'");
            assertEquals("attachment; filename=\"web1-" + stamp + "-" + dumpFile + "\"",
                    HttpApiTest.header(headers, "content-disposition"), "vmcore is saved under the dump file's name");
            s.sh("curl -sS -o " + got + AUTH + "'" + base + "/" + id + "/manifest.json'");
            assertEquals(id, HttpApiTest.json(Files.readString(got)).get("id").asText(), "manifest.json as stored");

            String part = s.sh("curl -sS -w '\\n%{http_code}' -r 100-199" + AUTH + "'" + base + "/" + id
                    + "/files/vmcore-dmesg.txt'");
            String want = new String(Files.readAllBytes(clientLog), StandardCharsets.UTF_8).substring(100, 200);
            assertEquals(want + "\n206", part, "Range 100-199 of the client's log (ASCII)");

            // HEAD: the size from the file's length, nothing read or sent
            String head = s.sh("curl -sS -I" + AUTH + "'" + base + "/" + id + "/vmcore'");
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            assertEquals(String.valueOf(Files.size(Fixtures.oracle(fixture))), HttpApiTest.header(head, "content-length"), head);
            assertEquals("bytes", HttpApiTest.header(head, "accept-ranges"), head);
            String headRange = s.sh("curl -sS -I -r 0-9" + AUTH + "'" + base + "/" + id + "/files/dmesg.txt'");
            assertTrue(headRange.startsWith("HTTP/1.1 206"), headRange);
            assertEquals("10", HttpApiTest.header(headRange, "content-length"), headRange);

            assertEquals("400", code(s, "-X GET", base + "/" + id + "/files/.hidden"), "a dot file");
            assertEquals("400", code(s, "-X GET", base + "/" + id + "/files/..%2Fmanifest.json"), "an escape");
            assertEquals("404", code(s, "-X GET", base + "/" + id + "/files/notes.txt"), "a file the manifest does not list");
            assertEquals("401", s.sh("curl -s -o /dev/null -w '%{http_code}' '" + base + "/" + id + "/files/dmesg.txt'"),
                    "without the operator token");
        }
    }

    @Test
    void filesRemovedBehindTheCatalogsBackAre404sNamingFileAndDump() throws Exception {
        ServerConfig c = TestServer.config(tmp);
        c.operatorToken = OP;
        String id;
        try (TestServer s = TestServer.start(c)) {
            DumpRecord r = stored(s, "m1");
            id = r.id();
            String base = "http://127.0.0.1:" + s.http() + "/api/v1/dumps/" + id;
            Files.delete(r.fileFor("vmcore"));
            for (String path : new String[] {"/vmcore", "/files/vmcore"}) {
                String out = s.sh("curl -sS -w '\\n%{http_code}'" + AUTH + "'" + base + path + "'");
                assertTrue(out.endsWith("\n404"), path + ": " + out);
                JsonNode err = HttpApiTest.json(out.substring(0, out.lastIndexOf('\n')));
                assertEquals("missing_file", err.get("error").asText(), out);
                assertEquals(id, err.get("dump").asText(), out);
                assertEquals("vmcore", err.get("file").asText(), out);
                assertFalse(out.contains(tmp.toString()), "no server path in the answer: " + out);
            }
            assertEquals("404", code(s, "-I", base + "/vmcore"), "HEAD of a missing file");
        }
        try (TestServer s = TestServer.start(c)) { // restarted: the record is cold, its manifest read from disk
            DumpRecord r = s.ctx().catalog().get(id).orElseThrow();
            Files.delete(r.directory().resolve("manifest.json"));
            String base = "http://127.0.0.1:" + s.http() + "/api/v1/dumps/" + id;
            for (String path : new String[] {"", "/manifest.json", "/files/dmesg.txt"}) {
                String out = s.sh("curl -sS -w '\\n%{http_code}'" + AUTH + "'" + base + path + "'");
                assertTrue(out.endsWith("\n404"), "manifest gone, " + path + ": " + out);
                JsonNode err = HttpApiTest.json(out.substring(0, out.lastIndexOf('\n')));
                assertEquals("manifest.json", err.get("file").asText(), out);
                assertFalse(out.contains(tmp.toString()), "no server path in the answer: " + out);
            }
        }
    }

    @Test
    void deleteNeedsTheTokenNeverTakesADumpInFlightAndIsLogged() throws Exception {
        ServerConfig c = TestServer.config(tmp);
        c.operatorToken = OP;
        Logger log = (Logger) LoggerFactory.getLogger(DumpRoutes.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        log.addAppender(logged);
        try (TestServer s = TestServer.start(c)) {
            String base = "http://127.0.0.1:" + s.http() + "/api/v1/dumps/";
            DumpRecord receiving = s.ctx().catalog().create("web2", Transport.HTTP, "r1");
            String out = s.sh("curl -sS -w '\\n%{http_code}' -X DELETE" + AUTH + "'" + base + receiving.id() + "'");
            assertTrue(out.endsWith("\n409"), "a dump being received: " + out);
            assertEquals("in_flight", HttpApiTest.json(out.substring(0, out.lastIndexOf('\n'))).get("error").asText(), out);
            assertTrue(Files.isDirectory(receiving.directory()), "still there");

            DumpRecord r = stored(s, "d1");
            assertEquals("401", s.sh("curl -s -o /dev/null -w '%{http_code}' -X DELETE '" + base + r.id() + "'"),
                    "DELETE without the operator token");
            JsonNode done = HttpApiTest.json(s.sh("curl -sS -X DELETE" + AUTH + "'" + base + r.id() + "'"));
            assertTrue(done.get("deleted").asBoolean(), "answer: " + done);
            assertEquals(r.id(), done.get("id").asText(), "answer: " + done);
            assertFalse(Files.exists(r.directory()), "directory removed");
            assertEquals("404", code(s, "-X GET", base + r.id()), "gone from the catalog");
            assertEquals("404", code(s, "-X DELETE", base + r.id()), "deleting it again");
            assertEquals("404", code(s, "-X DELETE", base + "web1@nope"), "an unknown id");
            long lines = logged.list.stream().filter(e -> e.getLevel().toString().equals("INFO")
                    && e.getFormattedMessage().contains(r.id()) && e.getFormattedMessage().contains("web1")
                    && e.getFormattedMessage().contains("127.0.0.1")).count();
            assertEquals(1, lines, "one INFO line with id, host and peer: " + logged.list);
        } finally {
            log.detachAppender(logged);
        }
    }

    /** A finished dump of web1 with a 4 KiB dump file, made through the catalog. */
    static DumpRecord stored(TestServer s, String clientId) throws Exception {
        DumpRecord r = s.ctx().catalog().create("web1", Transport.HTTP, clientId);
        Files.write(r.fileFor("vmcore"), new byte[4096]);
        r.update(m -> m.files.put("vmcore", new Manifest.FileEntry()));
        r.setDumpFile("vmcore");
        r.fail("test: made by hand");
        return r;
    }

    private static String code(TestServer s, String how, String url) throws Exception {
        return s.sh("curl -s -o /dev/null -w '%{http_code}' " + how + AUTH + "'" + url + "'");
    }
}
