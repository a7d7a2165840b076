package io.vmcored.server.cli;

import io.vmcored.server.config.ServerConfig;
import io.vmcored.server.daemon.VmcoredServer;
import io.vmcored.server.storage.PrivateFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vmcored serve}: runs the daemon until SIGTERM/SIGINT, then stops gracefully (drains). Works with no config file
 * (loopback, ports 5555/8080/2222, spool ./var/spool); {@code --config FILE} and the
 * options below override, in that order. Keys: docs/server.md.
 */
@Command(name = "serve", description = {
    "Run the collector: TCP ingest, HTTP API and metrics, SSH receiver.",
    "Defaults need no config file: bind 127.0.0.1, spool ./var/spool."})
public final class ServeCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    @Option(names = "--config", paramLabel = "FILE", description = "Java properties file (keys: docs/server.md).")
    Path config;

    @Option(names = "--bind", paramLabel = "ADDR", description = "Address of all listeners (default 127.0.0.1).")
    String bind;

    @Option(names = "--ingest-port", paramLabel = "N", description = "Raw TCP ingest port (default 5555, -1 off).")
    Integer ingestPort;

    @Option(names = "--http-port", paramLabel = "N", description = "HTTP API port (default 8080, -1 off).")
    Integer httpPort;

    @Option(names = "--ssh-port", paramLabel = "N", description = "SSH receiver port (default 2222, -1 off).")
    Integer sshPort;

    @Option(names = "--spool", paramLabel = "DIR", description = "Dump spool directory (default ./var/spool).")
    Path spool;

    @Option(names = "--state", paramLabel = "DIR", description = "State directory: keys, tokens (default ./var/state).")
    Path state;

    @Option(names = "--insecure-open", description = "Listen off loopback without tokens (a lab): anyone who reaches"
            + " the ports may upload, list and download every dump.")
    boolean insecureOpen;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Any config key, e.g. --set spool.min-free=2G.")
    List<String> sets = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        ServerConfig cfg = build();
        if (PrivateFiles.restrictUmask() < 0) {
            LOG.warn("cannot set the umask to 077 (JNA did not load): files"
                    + " that libraries write follow the umask vmcored was started with; the server's own are 0600");
        }
        StopSignals signals = new StopSignals();
        VmcoredServer server = new VmcoredServer(cfg).start();
        // any other way out (System.exit elsewhere, a fatal error) still closes cleanly; close() runs once
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "vmcored-shutdown"));
        String signal = signals.await();
        LOG.info("{}: stopping; uploads in flight may finish for up to {} s (shutdown.drain)", signal,
                cfg.drainTime.toSeconds());
        server.drain(cfg.drainTime);
        server.close();
        LOG.info("vmcored stopped");
        return 0;
    }

    ServerConfig build() throws Exception {
        ServerConfig cfg = new ServerConfig();
        if (config != null) {
            cfg.load(config);
        }
        if (bind != null) {
            cfg.bind = bind;
        }
        if (ingestPort != null) {
            cfg.ingestPort = ingestPort;
        }
        if (httpPort != null) {
            cfg.httpPort = httpPort;
        }
        if (sshPort != null) {
            cfg.ssh.port(sshPort);
        }
        if (spool != null) {
            cfg.spoolDir = spool;
        }
        if (insecureOpen) {
            cfg.insecureOpen = true;
        }
        if (state != null) {
            cfg.stateDir = state;
        }
        for (String kv : sets) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--set \"" + kv + "\": expected KEY=VALUE");
            }
            cfg.set(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return cfg.validate();
    }
}
