package io.vmcored.server.config;

import java.util.ArrayList;
import java.util.List;

/** Collects every configuration mistake so the operator sees them all at once, not one per restart. */
final class Problems {

    private final List<String> messages = new ArrayList<>();

    void add(String message) {
        messages.add(message);
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
            throw new IllegalArgumentException("invalid configuration: " + String.join("; ", messages));
        }
    }
}
