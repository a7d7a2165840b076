package io.vmcored.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.protocol.testsupport.Fixtures;
import io.vmcored.server.catalog.DumpRecord;
import io.vmcored.server.config.ServerConfig;
import io.vmcored.server.daemon.Shell;
import io.vmcored.server.daemon.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS through the JDK SSLEngine on both listeners, with a certificate made by openssl and real clients. */
class TlsTest {

    @TempDir
    Path tmp;

    @Test
    void curlOverHttpsAndSocatOverTlsIngest() throws Exception {
        Path cert = tmp.resolve("cert.pem");
        Path key = tmp.resolve("key.pem");
        Shell.run("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1"
                + " -keyout " + key + " -out " + cert + " 2>/dev/null");
        ServerConfig c = TestServer.config(tmp);
        c.tlsCert = cert;
        c.tlsKey = key;
        c.tlsIngest = true;
        String name = "kdump-zlib-d31";
        try (TestServer s = TestServer.start(c)) {
            String body = s.sh("curl -sS --cacert " + cert + " -T " + Fixtures.stream(name)
                    + " 'https://127.0.0.1:" + s.http() + "/api/v1/dumps/tls1?dump=a'");
            assertTrue(body.contains("\"state\" : \"complete\""), "https upload: " + body);
            assertEquals("000", s.sh("curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:" + s.http() + "/healthz || true"),
                    "plain HTTP on the TLS port must fail");
            String reply = s.sh("{ echo 'VMCORED/1 PUT host=tls2 dump=b offset=0'; cat " + Fixtures.stream(name)
                    + "; } | socat - OPENSSL:127.0.0.1:$PORT,cafile=" + cert + ",shut-down");
            assertTrue(reply.startsWith("DONE "), "TLS ingest reply: " + reply);
            for (String host : List.of("tls1", "tls2")) {
                DumpRecord r = s.ctx().catalog().list(x -> x.host().equals(host)).get(0);
                assertEquals(-1, Files.mismatch(r.fileFor("vmcore"), Fixtures.oracle(name)), "dump over TLS from " + host);
            }
            // downloads over TLS: the body is read on file threads and streamed in chunks; a reader
            // slower than the disk makes the streamer wait for the socket (at most two chunks ahead)
            String url = "https://127.0.0.1:" + s.http() + "/api/v1/dumps/"
                    + s.ctx().catalog().list(x -> x.host().equals("tls1")).get(0).id() + "/vmcore";
            Path dl = tmp.resolve("dl");
            s.sh("curl -sS --limit-rate 40M --cacert " + cert + " -o " + dl + " '" + url + "'");
            assertEquals(-1, Files.mismatch(dl, Fixtures.oracle(name)), "download over TLS vs makedumpfile -R");
            Path part = tmp.resolve("part");
            s.sh("curl -sS --cacert " + cert + " -r 100000-700000 -o " + part + " '" + url + "'");
            byte[] want = Arrays.copyOfRange(Files.readAllBytes(Fixtures.oracle(name)), 100000, 700001);
            assertEquals(-1, Files.mismatch(part, Files.write(tmp.resolve("want"), want)), "Range across chunks over TLS");
        }
    }
}
