package io.vmcored.server.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Collects every configuration mistake so the operator sees them all at once, not one per
 * restart; each is prefixed with where its key was set ({@code FILE:LINE}) when known.
 */
final class Problems {

    private final List<String> messages = new ArrayList<>();
    private final Map<String, String> origins;

    Problems(Map<String, String> origins) {
        this.origins = origins;
    }

    /** A problem whose message starts with the key it is about. */
    void add(String message) {
        String key = null;
        for (String k : origins.keySet()) {
            if (message.startsWith(k) && (key == null || k.length() > key.length())) {
                key = k;
            }
        }
        String origin = key == null ? null : origins.get(key);
        messages.add(origin == null || origin.startsWith("--") ? message : origin + ": " + message);
    }

    void at(String origin, String message) {
        messages.add(origin + ": " + message);
    }

    void port(String key, int port) {
        if (port < -1 || port > 65535) {
            add(key + " = " + port + ": expected 0..65535 (0 = any free port) or -1 (disabled)");
        }
    }

    void atLeast(String key, long value, long min) {
        if (value < min) {
            add(key + " = " + value + ": expected at least " + min);
        }
    }

    void between(String key, long value, long min, long max) {
        if (value < min || value > max) {
            add(key + " = " + value + ": expected " + min + ".." + max);
        }
    }

    void throwIfAny() {
        if (!messages.isEmpty()) {
            throw new ConfigException(messages);
        }
    }
}
