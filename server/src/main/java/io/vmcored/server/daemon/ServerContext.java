package io.vmcored.server.daemon;

import io.vmcored.server.ingest.IngestBudget;
import io.vmcored.server.ingest.Admission;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.vmcored.server.analysis.CrashAnalysis;
import io.vmcored.server.catalog.DumpCatalog;
import io.vmcored.server.config.ServerConfig;
import io.vmcored.server.metrics.IngestMetrics;
import io.vmcored.server.storage.DiskGuard;
import java.util.concurrent.ExecutorService;

/**
 * What every listener shares: the one event-loop group, the bounded file-I/O executor,
 * the catalog, the disk guard, the metrics and the (optional) TLS context.
 *
 * @param group       run all network I/O here (the SSH server too, via sshd-netty)
 * @param fileExecutor blocking file work only; wrap in a {@link SerialExecutor} per upload
 * @param tls         null unless tls.cert/tls.key are configured
 * @param crash       crash analysis and event hooks (signature groups for the HTTP API)
 * @param budget      bytes all connections may queue for the disk (see {@link UploadPump})
 */
public record ServerContext(ServerConfig config, EventLoopGroup group, ExecutorService fileExecutor,
                            DumpCatalog catalog, DiskGuard disk, IngestMetrics metrics,
                            PrometheusMeterRegistry registry, SslContext tls, Admission admission,
                            CrashAnalysis crash, IngestBudget budget) {
}
