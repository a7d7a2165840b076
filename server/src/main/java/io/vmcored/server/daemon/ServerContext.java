package io.vmcored.server.daemon;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.vmcored.server.analysis.CrashAnalysis;
import io.vmcored.server.catalog.SpoolCatalog;
import io.vmcored.server.config.ServerConfig;
import io.vmcored.server.ingest.Admission;
import io.vmcored.server.ingest.IngestBudget;
import io.vmcored.server.ingest.IngestService;
import io.vmcored.server.metrics.IngestMetrics;
import io.vmcored.server.storage.DiskGuard;
import io.vmcored.server.store.ObjectStore;
import java.util.concurrent.ExecutorService;

/**
 * The parts a running daemon is made of, for its own shutdown and for tests that look inside.
 *
 * @param group        all network I/O runs here (the SSH server too, via sshd-netty)
 * @param fileExecutor blocking file work only
 * @param tls          null unless tls.cert/tls.key are configured
 * @param crash        crash analysis and event hooks
 * @param budget       bytes all connections may queue for the disk
 * @param ingest       the upload rules every transport goes through
 * @param store        the object store finished dumps go to, or null (store.url unset)
 */
public record ServerContext(ServerConfig config, EventLoopGroup group, ExecutorService fileExecutor,
                            SpoolCatalog catalog, DiskGuard disk, IngestMetrics metrics,
                            PrometheusMeterRegistry registry, SslContext tls, Admission admission,
                            CrashAnalysis crash, IngestBudget budget, IngestService ingest, ObjectStore store) {
}
