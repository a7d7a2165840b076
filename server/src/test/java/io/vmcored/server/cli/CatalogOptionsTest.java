package io.vmcored.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --catalog} and {@code --node-name} (the shared catalog's settings) as {@code serve} and
 * {@code check-config} read them: where each was set, the password never shown, and a URL or
 * name that cannot work refused with one line naming it.
 */
class CatalogOptionsTest {

    @TempDir
    Path tmp;

    @Test
    void theOptionsAndTheSecretPasswordAsCheckConfigShowsThem() throws Exception {
        Path f = tmp.resolve("vmcored.properties");
        Files.writeString(f, "catalog.user = vmcored\ncatalog.password = sEcReT-catalog-password\ncatalog.lease-time = 45s\n");
        CliRun r = CliRun.of("check-config", "--config", f.toString(), "--catalog", "jdbc:postgresql://db.example:5432/vmcored",
                "--node-name", "rack1");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("catalog.url = jdbc:postgresql://db.example:5432/vmcored    # --catalog\n"), r.out());
        assertTrue(r.out().contains("node.name = rack1    # --node-name\n"), r.out());
        assertTrue(r.out().contains("catalog.user = vmcored    # " + f + ":1\n"), r.out());
        assertTrue(r.out().contains("catalog.password = (set)    # " + f + ":2\n"), r.out());
        assertTrue(r.out().contains("catalog.lease-time = 45s    # " + f + ":3\n"), r.out());
        assertFalse(r.out().contains("sEcReT"), "the password is never printed: " + r.out());

        CliRun defaults = CliRun.of("check-config");
        assertTrue(defaults.out().contains("catalog.url = \n") || defaults.out().contains("catalog.url =\n"),
                "no shared catalog by default: " + defaults.out());
        assertTrue(defaults.out().matches("(?s).*\\nnode\\.name = [A-Za-z0-9._-]+\\n.*"), "the host name by default: "
                + defaults.out());
    }

    @Test
    void aCatalogThatCannotWorkIsOneLineNamingIt() {
        CliRun r = CliRun.of("check-config", "--catalog", "postgres://db.example/vmcored");
        assertEquals(1, r.exit(), r.out());
        assertEquals("vmcored check-config: catalog.url = \"postgres://db.example/vmcored\": expected"
                + " jdbc:postgresql://HOST:PORT/DATABASE\n", r.err());
        r = CliRun.of("check-config", "--node-name", "rack 1");
        assertEquals(1, r.exit(), r.out());
        assertEquals("vmcored check-config: node.name = \"rack 1\": expected 1..64 characters of A-Z a-z 0-9 . _ -\n",
                r.err());
    }
}
