package io.vmcored.server.daemon;

import io.vmcored.server.net.Listener;
import io.vmcored.server.ingest.IngestBudget;
import io.vmcored.server.ingest.Admission;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.vmcored.protocol.flat.DecoderLimits;
import io.vmcored.server.analysis.CrashAnalysis;
import io.vmcored.server.catalog.DumpCatalog;
import io.vmcored.server.catalog.Retention;
import io.vmcored.server.config.ServerConfig;
import io.vmcored.server.http.HttpListener;
import io.vmcored.server.metrics.IngestMetrics;
import io.vmcored.server.storage.DiskGuard;
import io.vmcored.server.storage.FileSpaceReserver;
import io.vmcored.server.tcp.TcpListener;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon: one event-loop group, one bounded file executor, the catalog, the metrics,
 * and the listeners (TCP ingest, HTTP, plus any added, e.g. SSH). {@code start()} then
 * {@code close()}; ports 0 bind ephemeral ports (tests), -1 disables a listener.
 */
public final class VmcoredServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("vmcored");

    static {
        // Netty's pooled allocator caches freed buffers per thread only up to 32 KiB by default;
        // our reads are up to 1 MiB, so each one freed its chunk and the next allocated and zeroed
        // a fresh one (Copy::fill_to_memory_atomic, 5% of a single stream's samples). Caching
        // up to 1 MiB, 8 per size per thread, bounds the cache and took a warmed single stream
        // from 1.06-1.20 s to 0.96-1.09 s. Read when the allocator class initializes: set before.
        defaultProperty("io.netty.allocator.maxCachedBufferCapacity", String.valueOf(1 << 20));
        defaultProperty("io.netty.allocator.normalCacheSize", "8");
    }

    private static void defaultProperty(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value); // an operator's -D wins
        }
    }

    private final ServerConfig config;
    private final List<Listener> listeners = new ArrayList<>();
    private ThreadPoolExecutor syncer;
    private ServerContext context;

    public VmcoredServer(ServerConfig config) {
        this.config = config;
    }

    /** Adds a listener (e.g. the SSH receiver) started after TCP and HTTP. Call before {@link #start()}. */
    public VmcoredServer addListener(Listener l) {
        listeners.add(l);
        return this;
    }

    public VmcoredServer start() throws Exception {
        config.validate();
        Files.createDirectories(config.spoolDir);
        Files.createDirectories(config.stateDir);
        DumpCatalog catalog = DumpCatalog.open(config.spoolDir, new DecoderLimits(config.maxDumpSize));
        DiskGuard disk = new DiskGuard(catalog.layout().spool(), config.minFreeBytes);
        catalog.reservable(() -> disk.free() - disk.minFree());
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        IngestMetrics metrics = new IngestMetrics(registry, disk::free);
        new JvmMemoryMetrics().bindTo(registry); // heap and direct buffers: the memory bounds, watched
        new JvmThreadMetrics().bindTo(registry);
        catalog.observer(metrics);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(config.ioThreads, NioIoHandler.newFactory());
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor files = new ThreadPoolExecutor(config.fileThreads, config.fileThreads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(config.fileQueue), r -> {
                    Thread t = new Thread(r, "vmcored-file-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        // forcing finished dumps to disk and checksumming them: one thread (the disk serializes
        // fsyncs anyway), apart from the file threads so that uploads keep writing meanwhile;
        // when its queue is full the finishing upload's own thread does the work
        syncer = new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(config.fileQueue),
                r -> {
                    Thread t = new Thread(r, "vmcored-sync");
                    t.setDaemon(true);
                    return t;
                }, (task, pool) -> task.run()); // even when shut down: a refused sync would be a lost one
        catalog.background(syncer);
        IngestBudget budget = new IngestBudget(config.connectionBufferBytes, config.connectionBufferMaxBytes,
                config.ingestBufferBytes);
        metrics.buffered(budget::queued);
        context = new ServerContext(config, group, files, catalog, disk, metrics, registry, tls(),
                new Admission(config, disk, catalog), CrashAnalysis.start(config.crash, catalog, registry), budget);
        List<Listener> all = new ArrayList<>();
        if (config.ingestPort >= 0) {
            all.add(new TcpListener());
        }
        if (config.httpPort >= 0) {
            all.add(new HttpListener());
        }
        all.addAll(listeners);
        listeners.clear();
        listeners.addAll(all);
        for (Listener l : listeners) {
            l.start(context);
            LOG.info("{} listening on {}:{}", l.name(), config.bind, l.port());
        }
        Retention retention = new Retention(catalog, config);
        long every = config.retentionInterval.toMillis();
        group.scheduleAtFixedRate(() -> files.execute(retention::sweep), every, every, TimeUnit.MILLISECONDS);
        LOG.info("vmcored started: spool {}, {} dumps in catalog, {} bytes free (minimum {}), disk reservations {}",
                catalog.layout().spool(), catalog.size(), disk.free(), disk.minFree(),
                FileSpaceReserver.available() ? "on" : "off (JNA could not load)");
        return this;
    }

    public ServerContext context() {
        return context;
    }

    /** The bound port of listener {@code name} (tcp, http, ssh), or -1. */
    public int port(String name) {
        return listeners.stream().filter(l -> l.name().equals(name)).mapToInt(Listener::port).findFirst().orElse(-1);
    }

    @Override
    public void close() {
        for (Listener l : listeners) {
            try {
                l.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", l.name(), e.toString());
            }
        }
        if (context != null) {
            context.group().shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            context.crash().close();
            context.fileExecutor().shutdown();
            try {
                context.fileExecutor().awaitTermination(30, TimeUnit.SECONDS);
                syncer.shutdown(); // after the file threads: their last completions queue syncs
                syncer.awaitTermination(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            context.registry().close();
        }
    }

    private SslContext tls() throws Exception {
        if (!config.tlsEnabled()) {
            return null;
        }
        return SslContextBuilder.forServer(config.tlsCert.toFile(), config.tlsKey.toFile())
                .sslProvider(SslProvider.JDK).build();
    }
}
