package io.vmcored.server.ssh;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.vmcored.protocol.flat.DecoderLimits;
import io.vmcored.server.catalog.DumpCatalog;
import io.vmcored.server.catalog.DumpRecord;
import io.vmcored.server.catalog.Manifest;
import io.vmcored.server.catalog.SpoolCatalog;
import io.vmcored.server.config.ServerConfig;
import io.vmcored.server.ingest.Admission;
import io.vmcored.server.ingest.AdmissionOverrides;
import io.vmcored.server.ingest.DumpAdmission;
import io.vmcored.server.ingest.IngestBudget;
import io.vmcored.server.ingest.IngestService;
import io.vmcored.server.ingest.RefusalLog;
import io.vmcored.server.metrics.IngestMetrics;
import io.vmcored.server.ssh.auth.AuthorizedKey;
import io.vmcored.server.ssh.auth.AuthorizedKeyStore;
import io.vmcored.server.ssh.auth.HostKeys;
import io.vmcored.server.ssh.fs.ClientPaths;
import io.vmcored.server.ssh.fs.SshSpool;
import io.vmcored.server.storage.DiskGuard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

/** The SSH receiver started in-process on port 0 with a temp spool and state dir, plus what it reported. */
final class SshTestServer implements AutoCloseable {

    final Path spool;
    final Path state;
    final SpoolCatalog catalog;
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private IngestMetrics metrics;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final ExecutorService files = Executors.newFixedThreadPool(4);
    private SshReceiver receiver;

    SshTestServer(Path dir, SshOptions options) throws IOException {
        this.spool = dir.resolve("spool");
        this.state = dir.resolve("state");
        Files.createDirectories(spool);
        catalog = DumpCatalog.open(spool, DecoderLimits.DEFAULT);
        start(options);
    }

    void start(SshOptions options) throws IOException {
        ServerConfig config = new ServerConfig();
        config.minFreeBytes = 0;
        metrics = new IngestMetrics(registry, () -> 0);
        Admission admission = new Admission(() -> config, new DiskGuard(spool, 0), catalog);
        DiskGuard disk = new DiskGuard(spool, 0);
        IngestService ingest = new IngestService(catalog, admission, new DumpAdmission(() -> config, admission, disk,
                catalog, AdmissionOverrides.open(null), metrics), metrics, files,
                new IngestBudget(1 << 20, 8 << 20, 64 << 20), new RefusalLog(metrics));
        SshSpool sshSpool = new SshSpool(ingest, catalog, new ClientPaths(options.basePaths()));
        receiver = new SshReceiver(group, files, state, sshSpool, options, "127.0.0.1", 0, new RefusalLog(metrics));
        receiver.start();
    }

    /** Refused logins counted under {@code transport} and {@code reason}. */
    double authFailures(String transport, String reason) {
        var c = registry.find("vmcored.auth.failures").tag("transport", transport).tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    /** Stops the SSH server only (for restart tests). */
    void stop() throws IOException {
        receiver.close();
    }

    int port() {
        return receiver.port();
    }

    void enroll(String host, Path pubKeyFile) throws IOException {
        new AuthorizedKeyStore(state).add(List.of(AuthorizedKey.parsePublicKeyLine(host, Files.readString(pubKeyFile))));
    }

    /** A known_hosts line for this server's host key. */
    String knownHostsLine() throws Exception {
        KeyPair kp = HostKeys.load(state).loadKeys(null).iterator().next();
        return "[127.0.0.1]:" + port() + " " + PublicKeyEntry.toString(kp.getPublic());
    }

    /** The catalog record of {@code <host>/<dir>}; fails if there is none. */
    DumpRecord record(String host, String dir) {
        return catalog.get(host + "@" + dir).orElseThrow(() -> new AssertionError("no catalog record " + host + "@" + dir
                + "; have " + catalog.list(r -> true).stream().map(DumpRecord::id).toList()));
    }

    /** The manifest of {@code <host>/<dir>} as the catalog wrote it. */
    Manifest manifest(String host, String dir) {
        return record(host, dir).snapshot();
    }

    @Override
    public void close() throws Exception {
        receiver.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        files.shutdownNow();
    }
}
