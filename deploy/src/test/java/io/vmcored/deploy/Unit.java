package io.vmcored.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.protocol.testsupport.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a systemd unit file says about how to run the service, read the way systemd reads it
 * for the parts the unit uses: continued lines, the last value of a setting, {@code Environment=}
 * overridden by the {@code EnvironmentFile=}s that exist (a leading '-' makes a missing one fine).
 */
final class Unit {

    private final Map<String, List<String>> settings;

    private Unit(Map<String, List<String>> settings) {
        this.settings = settings;
    }

    static Unit read(Path file) throws Exception {
        Map<String, List<String>> s = new LinkedHashMap<>();
        String joined = Files.readString(file).replace("\\\n", " ");
        for (String line : joined.split("\n")) {
            line = line.strip();
            int eq = line.indexOf('=');
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("[") || eq < 0) {
                continue;
            }
            s.computeIfAbsent(line.substring(0, eq), k -> new ArrayList<>()).add(line.substring(eq + 1));
        }
        return new Unit(s);
    }

    String value(String key) {
        List<String> v = settings.get(key);
        assertTrue(v != null && !v.isEmpty(), key + "= in the unit");
        return v.get(v.size() - 1);
    }

    /** The command line (the unit's has no quotes and no variables). */
    List<String> execStart() {
        String line = value("ExecStart");
        assertTrue(!line.contains("\"") && !line.contains("$"), "a plain ExecStart: " + line);
        return Arrays.asList(line.strip().split("\\s+"));
    }

    /** JAVA_OPTS as the service gets it. */
    String javaOpts() throws Exception {
        String opts = null;
        for (String env : settings.getOrDefault("Environment", List.of())) {
            String e = env.startsWith("\"") ? env.substring(1, env.length() - 1) : env;
            if (e.startsWith("JAVA_OPTS=")) {
                opts = e.substring("JAVA_OPTS=".length());
            }
        }
        for (String f : settings.getOrDefault("EnvironmentFile", List.of())) {
            Path file = Path.of(f.startsWith("-") ? f.substring(1) : f);
            if (Files.exists(file)) {
                // the files hold plain assignments, which sh reads as systemd does
                Processes.Result r = Processes.run(Duration.ofSeconds(30), "sh", "-c",
                        "unset JAVA_OPTS; . \"$1\"; printf '%s' \"${JAVA_OPTS-(unset)}\"", "sh", file.toString()).ok();
                if (!r.out().equals("(unset)")) {
                    opts = r.out();
                }
            }
        }
        assertTrue(opts != null, "JAVA_OPTS set by the unit");
        return opts;
    }
}
