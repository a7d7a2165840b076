package io.vmcored.server.ingest;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vmcored.protocol.flat.DecoderLimits;
import io.vmcored.server.catalog.DumpCatalog;
import io.vmcored.server.catalog.SpoolCatalog;
import io.vmcored.server.config.ServerConfig;
import io.vmcored.server.metrics.IngestMetrics;
import io.vmcored.server.storage.DiskGuard;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** A real ingest service on a temp spool, without listeners: for the wire adapters' channel tests. */
public final class TestIngest implements AutoCloseable {

    public final ServerConfig config;
    public final SpoolCatalog catalog;
    public final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    public final IngestMetrics metrics;
    public final Admission admission;
    public final ExecutorService files = Executors.newFixedThreadPool(2);
    public final RefusalLog refusals;
    public final IngestService service;

    public TestIngest(Path dir, ServerConfig config) throws Exception {
        this.config = config;
        config.spoolDir = dir.resolve("spool");
        config.stateDir = dir.resolve("state");
        catalog = DumpCatalog.open(config.spoolDir, DecoderLimits.DEFAULT);
        DiskGuard disk = new DiskGuard(catalog.spool(), config.minFreeBytes);
        metrics = new IngestMetrics(registry, disk::free);
        admission = new Admission(() -> config, disk, catalog);
        refusals = new RefusalLog(metrics);
        service = new IngestService(catalog, admission, new DumpAdmission(() -> config, admission, disk, catalog,
                AdmissionOverrides.open(config.stateDir), metrics), metrics, files, new IngestBudget(1 << 20, 8 << 20, 64 << 20),
                refusals);
    }

    public TestIngest(Path dir) throws Exception {
        this(dir, defaults());
    }

    private static ServerConfig defaults() {
        ServerConfig c = new ServerConfig();
        c.minFreeBytes = 0;
        return c;
    }

    /** The refusals counted under {@code reason}. */
    public double refused(String reason) {
        var c = registry.find("vmcored.uploads.refused").tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    @Override
    public void close() throws Exception {
        files.shutdown();
        files.awaitTermination(10, TimeUnit.SECONDS);
    }
}
