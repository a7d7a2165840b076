package io.vmcored.server.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The server's packages in the order the bytes meet them, from the daemon's assembly down to
 * the storage: no class imports a package above its own, and the wire adapters know nothing
 * of each other. Read from the sources, so a new import that breaks it fails here.
 */
class LayeringTest {

    /** Higher numbers sit higher; packages of one number may not import each other. */
    private static final Map<String, Integer> LAYER = Map.ofEntries(
            Map.entry("cli", 10),
            Map.entry("daemon", 9),
            Map.entry("tcp", 8), Map.entry("http", 8), Map.entry("ssh", 8),
            // fleet: the catalog and full-dump ledger shared by several collectors, above the ingest it serves
            Map.entry("net", 7), Map.entry("fleet", 7),
            Map.entry("ingest", 6),
            Map.entry("analysis", 5),
            Map.entry("events", 4), Map.entry("metrics", 4), Map.entry("store", 4),
            Map.entry("catalog", 3),
            Map.entry("storage", 2),
            Map.entry("config", 1), Map.entry("log", 1));

    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?io\\.vmcored\\.server\\.(\\w+)\\.",
            Pattern.MULTILINE);
    private static final Pattern QUALIFIED = Pattern.compile("\\bio\\.vmcored\\.server\\.(\\w+)\\.[A-Z]");

    @Test
    void noPackageImportsOneAboveItOrBesideIt() throws IOException {
        Path root = Path.of("src/main/java/io/vmcored/server");
        assertTrue(Files.isDirectory(root), "run from the server module: " + root.toAbsolutePath());
        List<String> violations = new ArrayList<>();
        int files = 0;
        try (Stream<Path> all = Files.walk(root)) {
            for (Path f : all.filter(p -> p.toString().endsWith(".java")).toList()) {
                files++;
                String own = root.relativize(f).getName(0).toString();
                Integer ownLayer = LAYER.get(own);
                if (ownLayer == null) {
                    violations.add(f + ": package " + own + " has no place in the layer list");
                    continue;
                }
                String text = Files.readString(f);
                for (Pattern p : List.of(IMPORT, QUALIFIED)) {
                    Matcher m = p.matcher(text);
                    while (m.find()) {
                        String used = m.group(1);
                        Integer usedLayer = LAYER.get(used);
                        if (!used.equals(own) && (usedLayer == null || usedLayer >= ownLayer)) {
                            violations.add(root.relativize(f) + " (" + own + ") uses " + used);
                        }
                    }
                }
            }
        }
        assertTrue(files > 100, "read the server's sources: " + files + " files");
        assertEquals(List.of(), violations.stream().distinct().toList(), "imports up or across the layers");
    }
}
