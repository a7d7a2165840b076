package io.vmcored.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.server.config.Setting;
import io.vmcored.server.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vmcored check-config} reads a configuration as {@code serve} does: the effective
 * settings with where each was set and secrets hidden (exit 0), or one line per mistake naming
 * its file and line (exit 1). The template it prints is a valid file of the defaults.
 */
class CheckConfigTest {

    @TempDir
    Path tmp;

    @Test
    void printsTheEffectiveSettingsWithTheirOriginAndNoSecret() throws Exception {
        Path f = write("# collector", "bind = 0.0.0.0", "auth.operator-token = sEcReT-operator-token",
                "auth.host-token.web1 = sEcReT-host-token", "retention.max-age = 336h", "events.on = dump-completed");
        CliRun r = CliRun.of("check-config", "--config", f.toString(), "--set", "spool.min-free=2048M");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("bind = 0.0.0.0    # " + f + ":2\n"), r.out());
        assertTrue(r.out().contains("auth.operator-token = (set)    # " + f + ":3\n"), r.out());
        assertTrue(r.out().contains("auth.host-token.web1 = (set)    # " + f + ":4\n"), r.out());
        assertTrue(r.out().contains("retention.max-age = 14d    # " + f + ":5\n"), "in the largest exact unit: " + r.out());
        assertTrue(r.out().contains("spool.min-free = 2G    # --set\n"), r.out());
        assertTrue(r.out().contains("http.port = 8080\n"), "defaults are shown too: " + r.out());
        assertFalse(r.out().contains("sEcReT"), "secrets are never printed: " + r.out());
    }

    @Test
    void everyMistakeIsOneLineNamingItsFileAndLine() throws Exception {
        Path f = write("bind = 127.0.0.1", "spool.min-free = lots", "", "steer.level = 40", "retention.maxage = 1d",
                "ssh.ciphers = rot13");
        CliRun r = CliRun.of("check-config", "--config", f.toString());
        assertEquals(1, r.exit(), r.out());
        List<String> lines = r.err().lines().toList();
        assertEquals(List.of("vmcored check-config: " + f + ":2: spool.min-free = \"lots\": expected a size like 4096, 512M or 2G",
                "vmcored check-config: " + f + ":5: unknown configuration key \"retention.maxage\" (vmcored check-config"
                        + " --template lists them)"), lines, "what the file cannot even be read as, at once");
        Path g = write("bind = 127.0.0.1", "", "steer.level = 40", "ssh.ciphers = rot13");
        r = CliRun.of("check-config", "--config", g.toString());
        assertEquals(1, r.exit(), r.out());
        assertEquals("vmcored check-config: " + g + ":3: steer.level = 40: expected 0..31\n", r.err());
        Path h = write("ssh.ciphers = rot13");
        r = CliRun.of("check-config", "--config", h.toString());
        assertEquals(1, r.exit(), r.out());
        assertTrue(r.err().startsWith("vmcored check-config: " + h + ":1: ssh.ciphers entry 'rot13' is not a supported"
                + " cipher"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void aMissingFileIsOneLine() {
        CliRun r = CliRun.of("check-config", "--config", tmp.resolve("nope.properties").toString());
        assertEquals(1, r.exit());
        assertEquals("vmcored check-config: " + tmp.resolve("nope.properties") + ": no such file\n", r.err());
    }

    @Test
    void theTemplateListsEveryKeyAndUncommentedGivesTheDefaults() throws Exception {
        CliRun t = CliRun.of("check-config", "--template");
        assertEquals(0, t.exit(), t.err());
        for (Setting s : Settings.all()) {
            String key = s.family() ? s.prefix() + "HOST" : s.key();
            assertTrue(t.out().contains("\n#" + key + " ="), "template has " + key);
        }
        List<String> uncommented = new ArrayList<>();
        for (String line : t.out().split("\n")) {
            if (line.matches("#[a-z][a-z.-]+ =.*") && !line.startsWith("#auth.host-token.")) {
                uncommented.add(line.substring(1));
            }
        }
        assertTrue(uncommented.size() >= 50, "keys: " + uncommented.size());
        Path f = write(uncommented.toArray(String[]::new));
        CliRun fromTemplate = CliRun.of("check-config", "--config", f.toString());
        CliRun defaults = CliRun.of("check-config");
        assertEquals(0, fromTemplate.exit(), fromTemplate.err());
        assertEquals(strip(defaults.out()), strip(fromTemplate.out()), "every default of the template reads back as itself");
    }

    private static String strip(String out) {
        return out.replaceAll(" {4}# .*", "");
    }

    private Path write(String... lines) throws Exception {
        Path f = Files.createTempFile(tmp, "vmcored", ".properties");
        Files.writeString(f, String.join("\n", lines) + "\n");
        return f;
    }
}
