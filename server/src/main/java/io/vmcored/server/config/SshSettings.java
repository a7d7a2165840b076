package io.vmcored.server.config;

import java.time.Duration;
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
    /** Client paths that map to a host's area, comma-separated: where kdump clients write by default. */
    public static final String BASE_PATHS = "/var/crash";
    /**
     * OpenSSH's client takes the first of ITS list (chacha20, aes-ctr, aes-gcm) that the server
     * offers, so offering only AES-GCM makes it pick AES-GCM: 2-3x faster than chacha20 in MINA.
     * Clients older than OpenSSH 6.2 need aes128-ctr added.
     */
    public static final String CIPHERS = "aes128-gcm@openssh.com,aes256-gcm@openssh.com";
    /**
     * kdump clients run one ssh session per command (mkdir, dd, mv, scp), so no session's end is
     * the dump's end: a dump with no session for this long is ended as it stands.
     */
    public static final Duration SETTLE = Duration.ofMinutes(2);

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
