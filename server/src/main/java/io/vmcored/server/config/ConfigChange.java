package io.vmcored.server.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a reload changes: the configuration to run with from now on (the reloadable keys from
 * the new file, every other key as running) and, for the log, what was applied and what
 * waits for a restart. Secrets are named, never shown.
 */
public record ConfigChange(ServerConfig merged, List<String> applied, List<String> needRestart) {

    public static ConfigChange between(ServerConfig running, ServerConfig next) {
        Map<String, String> was = Settings.values(running);
        Map<String, String> now = Settings.values(next);
        Set<String> keys = new LinkedHashSet<>(was.keySet());
        keys.addAll(now.keySet());
        List<String> applied = new ArrayList<>();
        List<String> restart = new ArrayList<>();
        for (String key : keys) {
            String a = was.get(key);
            String b = now.get(key);
            if (!Objects.equals(a, b)) {
                (reloadable(key) ? applied : restart).add(describe(key, a, b));
            }
        }
        ServerConfig merged = new ServerConfig();
        was.forEach((key, value) -> {
            if (!reloadable(key)) {
                merged.set(key, value, running.origin(key));
            }
        });
        now.forEach((key, value) -> {
            if (reloadable(key)) {
                merged.set(key, value, next.origin(key));
            }
        });
        return new ConfigChange(merged.validate(), List.copyOf(applied), List.copyOf(restart));
    }

    /** One line for the operator: what changed, and what only a restart applies. */
    public String summary() {
        if (applied.isEmpty() && needRestart.isEmpty()) {
            return "no setting changed";
        }
        StringBuilder b = new StringBuilder();
        b.append(applied.isEmpty() ? "nothing applied" : "applied " + String.join(", ", applied));
        if (!needRestart.isEmpty()) {
            b.append("; a restart applies ").append(String.join(", ", needRestart)).append(" (running values kept)");
        }
        return b.toString();
    }

    private static boolean reloadable(String key) {
        return Settings.find(key).map(Setting::reloadable).orElse(false);
    }

    private static String describe(String key, String was, String now) {
        boolean secret = Settings.find(key).map(Setting::secret).orElse(false);
        if (secret || was == null || now == null) {
            return key + (was == null ? " (added)" : now == null ? " (removed)" : " (changed)");
        }
        return key + " " + quote(was) + " -> " + quote(now);
    }

    private static String quote(String v) {
        return v.isEmpty() ? "\"\"" : v;
    }
}
