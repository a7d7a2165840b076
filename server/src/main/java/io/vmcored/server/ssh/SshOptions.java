package io.vmcored.server.ssh;

import io.vmcored.server.config.SshSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.sshd.common.cipher.BuiltinCiphers;

/**
 * The SSH receiver's own settings, read from the {@code ssh.*} keys of the server config
 * (prefix removed) and validated at start:
 *
 * <pre>
 * ssh.enroll-password   password that lets ssh-copy-id add a key (unset: no password login)
 * ssh.base-paths        client paths that map to a host's area, comma-separated (/var/crash)
 * ssh.settle-seconds    a dump with no ssh session for this long is ended as it stands (120)
 * ssh.ciphers           offered ciphers, comma-separated (aes128-gcm@openssh.com,aes256-gcm@openssh.com)
 * </pre>
 */
public record SshOptions(String enrollPassword, List<String> basePaths, List<String> ciphers, Duration settle) {

    public static final List<String> DEFAULT_BASE_PATHS = list(SshSettings.BASE_PATHS, List.of());
    public static final List<String> DEFAULT_CIPHERS = list(SshSettings.CIPHERS, List.of());
    static final Set<String> KNOWN_KEYS = Set.of("enroll-password", "base-paths", "ciphers", "settle-seconds");
    public static final Duration DEFAULT_SETTLE = SshSettings.SETTLE;
    static final int MIN_PASSWORD = 8;

    public static SshOptions defaults() {
        return new SshOptions(null, DEFAULT_BASE_PATHS, DEFAULT_CIPHERS, DEFAULT_SETTLE);
    }

    /** Parses and validates; unknown keys and bad values are errors naming the key, value and expectation. */
    public static SshOptions from(Map<String, String> options) {
        for (String key : options.keySet()) {
            if (!KNOWN_KEYS.contains(key) && !key.equals("port")) {
                throw new IllegalArgumentException("unknown setting ssh." + key + " (known: ssh.port, ssh." + String.join(", ssh.", KNOWN_KEYS) + ")");
            }
        }
        String password = options.get("enroll-password");
        List<String> bases = list(options.get("base-paths"), DEFAULT_BASE_PATHS);
        List<String> ciphers = list(options.get("ciphers"), DEFAULT_CIPHERS);
        return new SshOptions(password == null || password.isEmpty() ? null : password, bases, ciphers,
                settle(options.get("settle-seconds"))).validate();
    }

    public SshOptions validate() {
        if (enrollPassword != null && enrollPassword.length() < MIN_PASSWORD) {
            throw new IllegalArgumentException("ssh.enroll-password is " + enrollPassword.length()
                    + " characters; expected at least " + MIN_PASSWORD);
        }
        for (String b : basePaths) {
            if (!b.startsWith("/")) {
                throw new IllegalArgumentException("ssh.base-paths entry '" + b + "' is not an absolute path");
            }
        }
        if (basePaths.isEmpty() || ciphers.isEmpty()) {
            throw new IllegalArgumentException("ssh.base-paths and ssh.ciphers need at least one entry");
        }
        for (String c : ciphers) {
            BuiltinCiphers bc = BuiltinCiphers.fromFactoryName(c);
            if (bc == null || !bc.isSupported() || c.equals("none")) {
                throw new IllegalArgumentException("ssh.ciphers entry '" + c + "' is not a supported cipher (e.g. "
                        + String.join(", ", DEFAULT_CIPHERS) + ", aes128-ctr)");
            }
        }
        return this;
    }

    private static Duration settle(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_SETTLE;
        }
        if (!value.strip().matches("[0-9]{1,6}") || Long.parseLong(value.strip()) < 1) {
            throw new IllegalArgumentException("ssh.settle-seconds is '" + value + "', expected whole seconds from 1 to 999999"
                    + " (default " + DEFAULT_SETTLE.toSeconds() + ")");
        }
        return Duration.ofSeconds(Long.parseLong(value.strip()));
    }

    private static List<String> list(String value, List<String> fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        List<String> out = new ArrayList<>();
        Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).forEach(out::add);
        return List.copyOf(out);
    }
}
