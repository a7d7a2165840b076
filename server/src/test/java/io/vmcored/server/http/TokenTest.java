package io.vmcored.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.protocol.testsupport.Fixtures;
import io.vmcored.server.config.ServerConfig;
import io.vmcored.server.daemon.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may do what, with real curl and nc: the fleet's upload token creates dumps (HTTP and TCP)
 * but reads nothing and replaces nothing; a host token uploads its host only; reading is the
 * operator's; and refusals are counted.
 */
class TokenTest {

    private static final String OPERATOR = "operator-secret";
    private static final String FLEET = "fleet-upload-secret";
    private static final String WEB1 = "web1-host-secret";

    @TempDir
    Path tmp;

    @Test
    void theFleetTokenCreatesButNeitherReadsNorReplaces() throws Exception {
        Path flat = Fixtures.stream("kdump-lzo-d31");
        ServerConfig c = TestServer.config(tmp);
        c.set("auth.operator-token", OPERATOR).set("auth.upload-token", FLEET).set("auth.host-token.web1", WEB1);
        try (TestServer s = TestServer.start(c)) {
            String put = "curl -s -o /dev/null -w '%%{http_code}' -T " + flat + " -H 'X-Vmcored-Token: %s' "
                    + "\"http://127.0.0.1:$HTTP/api/v1/dumps/%s?dump=%s\"";
            assertEquals("201", s.sh(String.format(put, FLEET, "db7", "boot-1")), "the fleet token uploads any host");
            assertEquals("401", s.sh(String.format(put, FLEET, "db7", "boot-1")),
                    "but cannot replace a complete file of a dump");
            assertEquals("201", s.sh(String.format(put, OPERATOR, "db7", "boot-1")), "the operator can");
            assertEquals("201", s.sh(String.format(put, WEB1, "web1", "boot-1")), "a host token uploads its host");
            assertEquals("401", s.sh(String.format(put, WEB1, "db7", "boot-2")), "and no other");
            assertEquals("401", s.sh(String.format(put, "wrong-token", "db7", "boot-3")), "a wrong token nothing");
            assertEquals("401", s.sh(String.format(put, "", "db7", "boot-3")).trim(), "no token nothing");

            String list = "curl -s -o /dev/null -w '%%{http_code}' -H 'Authorization: Bearer %s' "
                    + "\"http://127.0.0.1:$HTTP/api/v1/dumps\"";
            assertEquals("401", s.sh(String.format(list, FLEET)), "the fleet token lists nothing");
            assertEquals("401", s.sh(String.format(list, WEB1)), "nor does a host token");
            assertEquals("200", s.sh(String.format(list, OPERATOR)), "the operator reads");

            String hello = s.sh("echo 'VMCORED/1 HELLO host=db9 dump=b1 token=" + FLEET + "' | busybox nc 127.0.0.1 $PORT");
            assertTrue(hello.startsWith("OK id=- state=new"), "the fleet token speaks the TCP handshake: " + hello);
            String refused = s.sh("echo 'VMCORED/1 HELLO host=db9 dump=b1' | busybox nc 127.0.0.1 $PORT");
            assertTrue(refused.startsWith("REFUSED reason=unauthorized"), "without a token: " + refused);

            String metrics = s.sh("curl -s \"http://127.0.0.1:$HTTP/metrics\"");
            for (String[] row : new String[][] {{"http", "bad_token", "4.0"}, {"http", "no_token", "1.0"},
                    {"http", "replace_denied", "1.0"}, {"tcp", "no_token", "1.0"}}) {
                assertTrue(metrics.contains("vmcored_auth_failures_total{reason=\"" + row[1] + "\",transport=\"" + row[0]
                        + "\"} " + row[2]), row[0] + " " + row[1] + " counted " + row[2] + ": "
                        + metrics.lines().filter(l -> l.startsWith("vmcored_auth")).toList());
            }
            assertTrue(metrics.contains("vmcored_uploads_refused_total{reason=\"unauthorized\"} 5.0"),
                    "each refused upload counted once (five; refused reads are not uploads): " + metrics.lines().filter(l -> l.contains("refused")).toList());
        }
    }
}
