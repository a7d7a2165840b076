package io.vmcored.server.cli;

import io.vmcored.server.config.ServerConfig;
import io.vmcored.server.daemon.VmcoredServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Where the server's configuration comes from, shared by {@code serve} and
 * {@code check-config}: the embedded defaults, then {@code --config FILE}, then these options,
 * in that order. A reload builds it again the same way.
 */
final class ConfigOptions {

    @Option(names = "--config", paramLabel = "FILE", description = "Java properties file (vmcored check-config --template"
            + " lists every key).")
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

    @Option(names = "--store", paramLabel = "s3://BUCKET/PREFIX", description = "Keep finished dumps in this S3 bucket"
            + " (store.url); credentials from AWS's environment variables and profiles.")
    String store;

    @Option(names = "--s3-endpoint", paramLabel = "URL", description = "S3-compatible endpoint for --store (MinIO, Ceph,"
            + " s3proxy), path-style addressing (store.s3-endpoint).")
    String s3Endpoint;
    @Option(names = "--catalog", paramLabel = "JDBC-URL", description = "Share the catalog with other collectors:"
            + " jdbc:postgresql://HOST:PORT/DB (catalog.url).")
    String catalog;

    @Option(names = "--node-name", paramLabel = "NAME", description = "This collector's name in the shared catalog"
            + " (node.name, default the host name).")
    String nodeName;

    @Option(names = "--insecure-open", description = "Listen off loopback without tokens (a lab): anyone who reaches"
            + " the ports may upload, list and download every dump.")
    boolean insecureOpen;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Any config key, e.g. --set spool.min-free=2G.")
    List<String> sets = new ArrayList<>();

    /** The configuration these options describe, checked: throws naming every mistake and where it was made. */
    ServerConfig build() throws IOException {
        ServerConfig cfg = new ServerConfig();
        if (config != null) {
            cfg.load(config);
        }
        option(cfg, "bind", bind);
        option(cfg, "ingest.port", ingestPort);
        option(cfg, "http.port", httpPort);
        option(cfg, "ssh.port", sshPort);
        option(cfg, "spool.dir", spool);
        option(cfg, "state.dir", state);
        if (store != null) {
            cfg.set("store.url", store, "--store");
        }
        if (s3Endpoint != null) {
            cfg.set("store.s3-endpoint", s3Endpoint, "--s3-endpoint");
        }
        if (catalog != null) {
            cfg.set("catalog.url", catalog, "--catalog");
        }
        option(cfg, "node.name", nodeName);
        if (insecureOpen) {
            cfg.set("auth.insecure-open", "true", "--insecure-open");
        }
        for (String kv : sets) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--set \"" + kv + "\": expected KEY=VALUE");
            }
            cfg.set(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return VmcoredServer.check(cfg);
    }

    private static void option(ServerConfig cfg, String key, Object value) {
        if (value != null) {
            cfg.set(key, value.toString(), "--" + key.replace('.', '-'));
        }
    }
}
