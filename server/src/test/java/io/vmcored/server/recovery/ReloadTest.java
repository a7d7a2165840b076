package io.vmcored.server.recovery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.protocol.testsupport.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGHUP re-reads the configuration file: the new operator token, retention and log level
 * apply at once, an upload in flight goes on undisturbed to a byte-identical dump, a change
 * only a restart applies is named as such, and a bad file changes nothing and says which
 * line is wrong. The log names what changed and never shows a secret.
 */
class ReloadTest {

    private static final String OLD_TOKEN = "operator-token-one";
    private static final String NEW_TOKEN = "operator-token-two";

    @TempDir
    Path tmp;

    @Test
    void sighupAppliesTheNewFileWithoutDroppingAnUpload() throws Exception {
        Path flat = Fixtures.stream(CrashRecoveryTest.NAME);
        Path config = tmp.resolve("vmcored.properties");
        Files.writeString(config, String.join("\n", "# first version", "auth.operator-token = " + OLD_TOKEN,
                "spool.min-free = 1M", ""));
        ServerProcess s = ServerProcess.start(tmp, false, config);
        try (s;
             Client tcp = Client.piped(Senders.nc(s.port("tcp")));
             SlowFeed feed = new SlowFeed(tcp.stdin(), Senders.ascii("VMCORED/1 " + Senders.putLine("web60", "b1", 0)
                     + "\n"), flat, 2_000_000, 4_000_000)) {
            int http = s.port("http");
            assertEquals(200, list(http, OLD_TOKEN), "the first token lists dumps");
            assertEquals(401, list(http, NEW_TOKEN), "the second one not yet");
            feed.awaitPaused(Duration.ofSeconds(60));

            Files.writeString(config, String.join("\n", "# second version", "auth.operator-token = " + NEW_TOKEN,
                    "spool.min-free = 1M", "retention.max-per-host = 5", "log.level = warn", "threads.file = 4", ""));
            s.signalHangup();
            String line = s.awaitLog("SIGHUP: configuration reloaded");
            assertTrue(line.contains("applied retention.max-per-host 0 -> 5, auth.operator-token (changed),"
                    + " log.level info -> warn; a restart applies threads.file 8 -> 4 (running values kept)"), line);
            assertFalse(s.logText().contains(NEW_TOKEN) || s.logText().contains(OLD_TOKEN), "no token in the log");
            assertEquals(401, list(http, OLD_TOKEN), "the old token no longer reads");
            assertEquals(200, list(http, NEW_TOKEN), "the new one does, at once");

            int before = s.logLines().size();
            feed.proceed();
            feed.await(Duration.ofSeconds(60));
            feed.close();
            String reply = tcp.await(Senders.TIMEOUT).out().strip();
            assertTrue(reply.startsWith("DONE "), "the upload in flight across the reload finished: " + reply);
            Path dump = Files.list(tmp.resolve("spool/web60")).findFirst().orElseThrow().resolve("vmcore");
            assertArrayEquals(Files.readAllBytes(Fixtures.oracle(CrashRecoveryTest.NAME)), Files.readAllBytes(dump),
                    "byte-identical to makedumpfile -R");
            List<String> after = s.logLines().subList(before, s.logLines().size());
            assertTrue(after.stream().noneMatch(l -> l.contains(" INFO ")), "log.level warn: no INFO line for the"
                    + " completed dump: " + after);

            Files.writeString(config, String.join("\n", "auth.operator-token = operator-token-three",
                    "spool.min-free = lots", ""));
            s.signalHangup();
            String refused = s.awaitLog("keeping the running settings");
            assertTrue(refused.contains(" WARN ") && refused.contains(config + ":2: spool.min-free = \"lots\""), refused);
            assertEquals(200, list(http, NEW_TOKEN), "a bad file changed nothing");
            assertEquals(401, list(http, "operator-token-three"), "not even its good lines");
        }
    }

    private static int list(int http, String token) throws Exception {
        Client.Result r = Client.sh("curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer " + token
                + "' http://127.0.0.1:" + http + "/api/v1/dumps", Senders.TIMEOUT);
        return Integer.parseInt(r.out().strip());
    }
}
