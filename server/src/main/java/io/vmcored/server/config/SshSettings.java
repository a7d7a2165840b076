package io.vmcored.server.config;

import java.util.Map;
import java.util.TreeMap;

/**
 * The SSH receiver's slice of the configuration. The port is parsed here; every other
 * {@code ssh.*} key of the config file (or {@code --set ssh.x=y}) is kept verbatim in
 * {@link #options()} so the SSH component can read and validate its own settings
 * (host key path, enrollment password, ...) without touching the loader.
 */
public final class SshSettings {

    public static final int DEFAULT_PORT = 2222;

    private int port = DEFAULT_PORT;
    private final Map<String, String> options = new TreeMap<>();

    /** TCP port of the SSH listener; 0 = ephemeral (tests), -1 = disabled. */
    public int port() {
        return port;
    }

    public SshSettings port(int port) {
        this.port = port;
        return this;
    }

    /** Raw {@code ssh.*} settings with the {@code ssh.} prefix removed, e.g. {@code host-key}. */
    public Map<String, String> options() {
        return options;
    }

    public String option(String key, String fallback) {
        return options.getOrDefault(key, fallback);
    }

    void validate(Problems problems) {
        problems.port("ssh.port", port);
    }
}
