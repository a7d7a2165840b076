package io.vmcored.server.config;

import java.util.function.Supplier;

/**
 * The configuration the running server reads now. Components that follow a reload (tokens,
 * steering, retention) hold this and read it once per decision; the rest were built from
 * the configuration at start and keep it.
 */
public final class LiveConfig implements Supplier<ServerConfig> {

    private volatile ServerConfig current;

    public LiveConfig(ServerConfig initial) {
        this.current = initial;
    }

    @Override
    public ServerConfig get() {
        return current;
    }

    public void set(ServerConfig next) {
        this.current = next;
    }
}
