package io.vmcored.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigTest {

    @TempDir
    Path tmp;

    @Test
    void embeddedDefaultsAreValidAndLoopback() {
        ServerConfig c = new ServerConfig().validate();
        assertEquals("127.0.0.1", c.bind, "default bind");
        assertEquals(5555, c.ingestPort, "ingest port");
        assertEquals(8080, c.httpPort, "http port");
        assertEquals(2222, c.ssh.port(), "ssh port");
        assertEquals(Path.of("var", "spool"), c.spoolDir, "spool");
        assertTrue(c.loopbackOnly(), "loopback only");
    }

    @Test
    void propertiesFileWithUnitsHostTokensAndSshOptions() throws Exception {
        Path f = tmp.resolve("vmcored.properties");
        Files.writeString(f, String.join("\n", "bind = 0.0.0.0", "spool.min-free = 2G", "retention.max-age = 14d",
                "auth.host-token.web1 = abcdefgh12", "auth.operator-token = operator-secret",
                "ssh.base-paths = /var/crash,/srv/crash", "limits.idle-timeout = 90s"));
        ServerConfig c = new ServerConfig().load(f).validate();
        assertEquals(2L << 30, c.minFreeBytes, "spool.min-free");
        assertEquals(Duration.ofDays(14), c.retentionMaxAge, "retention.max-age");
        assertEquals("abcdefgh12", c.hostTokens.get("web1"), "host token");
        assertEquals("/var/crash,/srv/crash", c.ssh.option("base-paths", null), "ssh option kept for the SSH receiver");
        assertEquals(Duration.ofSeconds(90), c.idleTimeout, "idle timeout");
    }

    /** A vmcore is a machine's whole memory: off loopback the server does not start open. */
    @Test
    void offLoopbackWithoutAnOperatorTokenRefusesToStartUnlessOpenedOnPurpose() {
        ServerConfig open = new ServerConfig().set("bind", "0.0.0.0");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, open::validate);
        assertTrue(e.getMessage().contains("bind = 0.0.0.0 is reachable from other machines but auth.operator-token is not"
                + " set"), e.getMessage());
        assertFalse(open.uploadsOpen(), "off loopback uploads need a token");
        ServerConfig lab = new ServerConfig().set("bind", "0.0.0.0").set("auth.insecure-open", "true").validate();
        assertTrue(lab.uploadsOpen(), "a lab opened on purpose");
        ServerConfig fleet = new ServerConfig().set("bind", "0.0.0.0").set("auth.operator-token", "operator-secret")
                .set("auth.upload-token", "fleet-secret").validate();
        assertFalse(fleet.uploadsOpen(), "uploads need the fleet's, a host's or the operator's token");
        assertTrue(new ServerConfig().validate().uploadsOpen(), "loopback with no tokens: open, as for a first try");
        assertFalse(new ServerConfig().set("auth.upload-token", "fleet-secret").validate().uploadsOpen(),
                "loopback with an upload token: tokens needed");
        IllegalArgumentException shortToken = assertThrows(IllegalArgumentException.class,
                () -> new ServerConfig().set("auth.upload-token", "short").validate());
        assertTrue(shortToken.getMessage().contains("auth.upload-token: 5 characters, expected at least 8"),
                shortToken.getMessage());
    }

    @Test
    void validateNamesEveryBadValue() {
        ServerConfig c = new ServerConfig().set("ingest.port", "70000").set("steer.level", "40").set("threads.file", "0");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, c::validate);
        assertTrue(e.getMessage().contains("ingest.port = 70000") && e.getMessage().contains("steer.level = 40")
                && e.getMessage().contains("threads.file = 0"), "message: " + e.getMessage());
    }

    @Test
    void unknownKeysAndBadUnitsAreErrors() {
        assertThrows(IllegalArgumentException.class, () -> new ServerConfig().set("spool.minfree", "1G"), "typo key");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ServerConfig().set("spool.min-free", "lots"));
        assertTrue(e.getMessage().contains("spool.min-free = \"lots\""), "message: " + e.getMessage());
    }
}
