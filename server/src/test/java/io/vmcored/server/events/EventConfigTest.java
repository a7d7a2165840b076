package io.vmcored.server.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.server.config.ServerConfig;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** analysis.* and events.* keys: parsed, and every mistake reported with the key, the value and the expectation. */
class EventConfigTest {

    @Test
    void keysAreParsed() {
        ServerConfig c = new ServerConfig().set("analysis.threads", "2").set("analysis.queue", "10")
                .set("analysis.top-signatures", "3").set("events.exec", "/bin/true").set("events.exec-timeout", "5s")
                .set("events.webhook", "https://hooks.example/x").set("events.webhook-timeout", "2s")
                .set("events.webhook-retries", "1").set("events.on", "dump-failed, new-signature")
                .set("analysis.enabled", "false").validate();
        assertEquals(2, c.crash.analysisThreads, "analysis.threads");
        assertEquals(10, c.crash.analysisQueue, "analysis.queue");
        assertEquals(3, c.crash.topSignatures, "analysis.top-signatures");
        assertEquals(Duration.ofSeconds(5), c.crash.execTimeout, "events.exec-timeout");
        assertEquals(Set.of("dump-failed", "new-signature"), c.crash.events, "events.on");
        assertEquals(false, c.crash.analysisEnabled, "analysis.enabled");
    }

    @Test
    void mistakesAreAllReported() {
        ServerConfig c = new ServerConfig().set("events.exec", "hook.sh").set("events.webhook", "ftp://x/y")
                .set("events.on", "dump-done").set("analysis.threads", "0").set("events.exec-timeout", "10ms");
        String msg = assertThrows(IllegalArgumentException.class, c::validate).getMessage();
        for (String part : new String[] {"events.exec = \"hook.sh\": expected the absolute path of an executable file",
            "events.webhook = \"ftp://x/y\": expected an http:// or https:// URL",
            "events.on: unknown event \"dump-done\"", "analysis.threads = 0: expected 1..64",
            "events.exec-timeout/webhook-timeout"}) {
            assertTrue(msg.contains(part), "message names " + part + ": " + msg);
        }
        assertThrows(IllegalArgumentException.class, () -> new ServerConfig().set("events.typo", "x"),
                "unknown events.* key");
        assertThrows(IllegalArgumentException.class, () -> new ServerConfig().set("analysis.enabled", "yes"),
                "analysis.enabled takes true or false");
    }
}
