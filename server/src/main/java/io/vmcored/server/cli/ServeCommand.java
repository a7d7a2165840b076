package io.vmcored.server.cli;

import io.vmcored.server.config.ServerConfig;
import io.vmcored.server.daemon.VmcoredServer;
import io.vmcored.server.storage.PrivateFiles;
import java.io.IOException;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code vmcored serve}: runs the daemon until SIGTERM/SIGINT, then stops gracefully (drains);
 * SIGHUP re-reads the configuration. Works with no config file (loopback, ports
 * 5555/8080/2222, spool ./var/spool); {@code --config FILE} and the options override, in that
 * order.
 */
@Command(name = "serve", description = {
    "Run the collector: TCP ingest, HTTP API and metrics, SSH receiver.",
    "Defaults need no config file: bind 127.0.0.1, spool ./var/spool.",
    "SIGTERM drains and stops (exit 0); SIGHUP re-reads --config (tokens, retention, steering, hooks, log level)."})
public final class ServeCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    @Mixin
    ConfigOptions options = new ConfigOptions();

    private VmcoredServer server;

    @Override
    public Integer call() throws Exception {
        ServerConfig cfg = options.build();
        if (PrivateFiles.restrictUmask() < 0) {
            LOG.warn("cannot set the umask to 077 (JNA did not load): files"
                    + " that libraries write follow the umask vmcored was started with; the server's own are 0600");
        }
        StopSignals signals = new StopSignals(this::reload);
        server = new VmcoredServer(cfg).start();
        // any other way out (System.exit elsewhere, a fatal error) still closes cleanly; close() runs once
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "vmcored-shutdown"));
        String signal = signals.await();
        ServerConfig running = server.config();
        LOG.info("{}: stopping; uploads in flight may finish for up to {} s (shutdown.drain)", signal,
                running.drainTime.toSeconds());
        server.drain(running.drainTime);
        server.close();
        LOG.info("vmcored stopped");
        return 0;
    }

    /** SIGHUP: the configuration is built again from the same file and options; a bad one changes nothing. */
    private void reload() {
        VmcoredServer s = server;
        if (s == null) {
            LOG.warn("SIGHUP: still starting, nothing reloaded");
            return;
        }
        try {
            s.reload(options.build(), "SIGHUP");
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("SIGHUP: {}; keeping the running settings", e.getMessage());
        }
    }
}
