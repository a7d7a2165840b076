package io.vmcored.server.config;

import java.util.List;

/** Every mistake of a configuration, one sentence each, in the order found. */
public final class ConfigException extends IllegalArgumentException {

    private final List<String> problems;

    ConfigException(List<String> problems) {
        super("invalid configuration: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
