package io.vmcored.server.config;

import java.util.function.Function;

/**
 * One configuration key: how its text is applied to a {@link ServerConfig}, how the value is
 * shown back (parseable again, so a configuration round-trips through its text), what it is
 * for, whether a reload applies it to the running server, and whether it is a secret (shown
 * only as set or unset). A key ending in {@code .*} is a family ({@code auth.host-token.HOST}).
 */
public record Setting(String key, String doc, boolean reloadable, boolean secret, Apply apply,
        Function<ServerConfig, String> show) {

    /** Applies the text of {@code key} (the full key, for a family) to a configuration. */
    @FunctionalInterface
    public interface Apply {
        void to(ServerConfig config, String key, String value);
    }

    public boolean family() {
        return key.endsWith(".*");
    }

    public boolean matches(String name) {
        return family() ? name.startsWith(prefix()) && name.length() > prefix().length() : key.equals(name);
    }

    /** For a family, the part before the member's name ({@code auth.host-token.}). */
    public String prefix() {
        return key.substring(0, key.length() - 1);
    }
}
