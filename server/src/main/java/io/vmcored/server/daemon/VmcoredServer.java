package io.vmcored.server.daemon;

import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.vmcored.protocol.flat.DecoderLimits;
import io.vmcored.server.analysis.CrashAnalysis;
import io.vmcored.server.catalog.DumpCatalog;
import io.vmcored.server.catalog.DumpListener;
import io.vmcored.server.catalog.DumpRecord;
import io.vmcored.server.catalog.Retention;
import io.vmcored.server.catalog.SpoolCatalog;
import io.vmcored.server.config.ConfigChange;
import io.vmcored.server.config.LiveConfig;
import io.vmcored.server.config.ServerConfig;
import io.vmcored.server.fleet.Fleet;
import io.vmcored.server.http.HttpApi;
import io.vmcored.server.http.HttpListener;
import io.vmcored.server.http.console.Console;
import io.vmcored.server.http.console.ConsoleAssets;
import io.vmcored.server.http.console.ConsoleSessions;
import io.vmcored.server.http.console.EnrolledKey;
import io.vmcored.server.http.console.EventHub;
import io.vmcored.server.ingest.Admission;
import io.vmcored.server.ingest.AdmissionOverrides;
import io.vmcored.server.ingest.DumpAdmission;
import io.vmcored.server.ingest.FullDumpLedger;
import io.vmcored.server.ingest.GrantLedger;
import io.vmcored.server.ingest.IngestBudget;
import io.vmcored.server.ingest.IngestService;
import io.vmcored.server.ingest.RefusalLog;
import io.vmcored.server.metrics.IngestMetrics;
import io.vmcored.server.net.Listener;
import io.vmcored.server.net.NetSettings;
import io.vmcored.server.ssh.SshListener;
import io.vmcored.server.ssh.SshOptions;
import io.vmcored.server.ssh.auth.AuthorizedKeyStore;
import io.vmcored.server.storage.DiskGuard;
import io.vmcored.server.store.ObjectStore;
import io.vmcored.server.storage.FileSpaceReserver;
import io.vmcored.server.storage.PrivateFiles;
import io.vmcored.server.tcp.TcpListener;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's assembly: one event-loop group, one bounded file executor, the catalog, the
 * ingest service, crash analysis, the metrics, and the listeners (TCP ingest, HTTP, SSH) built
 * with what each needs. {@code start()} then {@code close()}; port 0 binds an ephemeral port
 * (tests), -1 disables a listener.
 */
public final class VmcoredServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(VmcoredServer.class);

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

    /** Browsers watching live at once; each holds one connection and a bounded queue. */
    private static final int MAX_EVENT_STREAMS = 64;

    private final ServerConfig config;
    /** What reloadable parts read: {@link #config} with a reload's changes. */
    private final LiveConfig live;
    private final List<Listener> listeners = new ArrayList<>();
    private ThreadPoolExecutor syncer;
    /** The catalog shared with other collectors, or null (the embedded catalog alone). */
    private Fleet fleet;
    private ServerContext context;
    private final List<InstanceLock> locks = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    public VmcoredServer(ServerConfig config) {
        this.config = config;
        this.live = new LiveConfig(config);
    }

    /**
     * Everything that makes a configuration unusable, found before anything starts: the
     * settings' own rules and the SSH receiver's (ciphers, paths), each naming where it was set.
     */
    public static ServerConfig check(ServerConfig config) {
        config.validate();
        if (config.ssh.port() >= 0) {
            try {
                SshOptions.from(config.ssh.options());
            } catch (IllegalArgumentException e) {
                String key = e.getMessage().replaceAll("^.*?(ssh\\.[a-z-]+).*$", "$1");
                String origin = config.origin(key);
                throw new IllegalArgumentException("invalid configuration: "
                        + (origin == null || origin.startsWith("--") ? "" : origin + ": ") + e.getMessage());
            }
        }
        return config;
    }

    /** Starts everything; on a failure what was started is stopped again (and the locks released). */
    public VmcoredServer start() throws Exception {
        try {
            startParts();
            return this;
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    private void startParts() throws Exception {
        check(config);
        LogLevel.apply(config.logLevel);
        for (Path root : List.of(config.spoolDir, config.stateDir)) {
            String was = PrivateFiles.restrict(PrivateFiles.directories(root));
            if (was != null) {
                LOG.warn("{} was {}, now rwx------: dumps and keys are for the operator alone", root, was);
            }
        }
        locks.add(InstanceLock.acquire(config.spoolDir, "spool"));
        if (!config.stateDir.toAbsolutePath().normalize().equals(config.spoolDir.toAbsolutePath().normalize())) {
            locks.add(InstanceLock.acquire(config.stateDir, "state directory"));
        }
        SslContext tls = tls(); // before any thread starts: a bad certificate leaves nothing running
        SpoolCatalog catalog = DumpCatalog.open(config.spoolDir, new DecoderLimits(config.maxDumpSize));
        DiskGuard disk = new DiskGuard(catalog.spool(), config.minFreeBytes);
        catalog.reservable(() -> disk.free() - disk.minFree());
        if (config.fleet.shared() || config.store.enabled()) {
            catalog.layout().node(config.fleet.nodeName); // dump names unique across collectors of one bucket
        }
        // shared with other collectors: they list this one's dumps and it theirs; its spool stays its own truth
        fleet = config.fleet.shared() ? Fleet.start(config.fleet, catalog) : null;
        DumpCatalog listed = fleet == null ? catalog : fleet.catalog();
        GrantLedger ledger = fleet == null ? new FullDumpLedger() : fleet.ledger();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        IngestMetrics metrics = new IngestMetrics(registry, disk::free);
        new JvmMemoryMetrics().bindTo(registry); // heap and direct buffers: the memory bounds, watched
        new JvmThreadMetrics().bindTo(registry);
        catalog.observer(metrics);
        if (fleet != null) {
            fleet.bindTo(registry);
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(config.ioThreads, NioIoHandler.newFactory());
        ThreadPoolExecutor files = new ThreadPoolExecutor(config.fileThreads, config.fileThreads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(config.fileQueue), daemonThreads("vmcored-file-"));
        // forcing finished dumps to disk and checksumming them: one thread (the disk serializes
        // fsyncs anyway), apart from the file threads so that uploads keep writing meanwhile;
        // when its queue is full the finishing upload's own thread does the work
        syncer = new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(config.fileQueue),
                daemonThreads("vmcored-sync-"), (task, pool) -> task.run()); // even when shut down: a refused sync would be a lost one
        catalog.background(syncer);
        IngestBudget budget = new IngestBudget(config.connectionBufferBytes, config.connectionBufferMaxBytes,
                config.ingestBufferBytes);
        metrics.buffered(budget::queued);
        Admission admission = new Admission(live, disk, catalog);
        RefusalLog refusals = new RefusalLog(metrics);
        DumpAdmission dumps = new DumpAdmission(live, admission, disk, catalog,
                AdmissionOverrides.open(config.stateDir), metrics, ledger);
        IngestService ingest = new IngestService(catalog, admission, dumps, metrics, files, budget, refusals);
        if (fleet != null) {
            ingest.others(fleet.others());
        }
        CrashAnalysis crash = CrashAnalysis.start(config.crash, catalog, registry);
        ObjectStore store = config.store.enabled() ? ObjectStore.start(live, catalog, registry, disk::free) : null;
        Consumer<DumpRecord> analyzed = store == null ? r -> { } : store::analyzed;
        if (store != null) {
            catalog.listener(DumpListener.both(crash, store));
            admission.refuseWhen(store::refusal);
            crash.onAnalyzed(analyzed);
            ingest.answerWhenStored(store::stored);
        }
        if (fleet != null) {
            crash.view(fleet::signatures);
        }
        context = new ServerContext(config, group, files, catalog, disk, metrics, registry, tls, admission, crash,
                budget, ingest, store);
        NetSettings net = new NetSettings(group, config.bind, config.idleTimeout, config.maxConnections, metrics,
                refusals);
        if (config.ingestPort >= 0) {
            listeners.add(new TcpListener(net, config.ingestPort, config.tlsIngest ? tls : null, ingest));
        }
        if (config.httpPort >= 0) {
            EventHub events = new EventHub(catalog.uploadsInFlight(), MAX_EVENT_STREAMS);
            events.start(group);
            crash.onAnalyzed(r -> {
                events.analyzed(r);
                analyzed.accept(r);
            });
            AuthorizedKeyStore keys = new AuthorizedKeyStore(config.stateDir);
            Console console = new Console(new ConsoleSessions(), events, new ConsoleAssets(), () -> enrolled(keys),
                    disk::free, disk.minFree());
            listeners.add(new HttpListener(net, config.httpPort, config.tlsHttp ? tls : null,
                    new HttpApi(ingest, listed, admission, crash, registry, files, config.idleTimeout, refusals,
                            console, store)));
        }
        if (config.ssh.port() >= 0) {
            listeners.add(new SshListener(net, config.ssh.port(), config.ssh.options(), config.stateDir, ingest, catalog,
                    files));
        }
        if (!config.loopbackOnly() && !config.tlsEnabled()) {
            LOG.warn("listening on {} without TLS: tokens and dumps cross the network in clear (set tls.cert and tls.key)",
                    config.bind);
        }
        if (config.insecureOpen) {
            LOG.warn("auth.insecure-open: anyone who reaches {} may upload, list and download every dump", config.bind);
        }
        for (Listener l : listeners) {
            l.start();
            LOG.info("{} listening on {}:{}", l.name(), config.bind, l.port());
        }
        if (fleet != null) {
            fleet.advertise(address("tcp"), address("http"));
        }
        Retention retention = new Retention(catalog, live);
        long every = config.retentionInterval.toMillis();
        group.scheduleAtFixedRate(() -> files.execute(retention::sweep), every, every, TimeUnit.MILLISECONDS);
        // SSH clients held for a full-upload slot: let them through as slots free, keep them from idling out
        group.scheduleAtFixedRate(() -> files.execute(dumps::tick), 1, 1, TimeUnit.SECONDS);
        LOG.info("vmcored started: spool {}, {} dumps in catalog, {} bytes free (minimum {}), disk reservations {}",
                catalog.spool(), catalog.size(), disk.free(), disk.minFree(),
                FileSpaceReserver.available() ? "on" : "off (JNA could not load)");
    }

    /** The SSH receiver's enrolled keys as the console lists them; none when the store cannot be read. */
    private static List<EnrolledKey> enrolled(AuthorizedKeyStore store) {
        try {
            return store.list().stream().map(k -> new EnrolledKey(k.host(), k.type(), k.fingerprint(), k.comment()))
                    .toList();
        } catch (IOException | RuntimeException e) {
            LOG.warn("hosts listing: cannot read the enrolled SSH keys ({})", e.toString());
            return List.of();
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Applies a reload: the reloadable settings of {@code next} (tokens, retention, steering,
     * the watermark, event hooks, the log level) from now on, without touching a connection;
     * the others wait for a restart. Throws, changing nothing, when {@code next} is not valid.
     * Logs one line saying what changed ({@code cause}: what asked), before the new log level
     * applies, so that lowering it does not hide its own change.
     */
    public synchronized ConfigChange reload(ServerConfig next, String cause) {
        check(next);
        ConfigChange change = ConfigChange.between(live.get(), next);
        ServerConfig merged = change.merged();
        live.set(merged);
        if (context != null) {
            context.disk().minFree(merged.minFreeBytes);
            context.crash().reconfigure(merged.crash);
        }
        LOG.info("{}: configuration reloaded: {}", cause, change.summary());
        LogLevel.apply(merged.logLevel);
        return change;
    }

    /** The configuration running now (the start's, with every reload applied). */
    public ServerConfig config() {
        return live.get();
    }

    /** The shared catalog, or null when this collector keeps the embedded one alone. */
    /** How agents reach listener {@code name} of this collector ({@code node.address:port}), or null. */
    private String address(String name) {
        for (Listener l : listeners) {
            if (l.name().equals(name)) {
                return config.fleet.address() + ":" + l.port();
            }
        }
        return null;
    }

    public Fleet fleet() {
        return fleet;
    }

    public ServerContext context() {
        return context;
    }

    /** The bound port of listener {@code name} (tcp, http, ssh), or -1. */
    public int port(String name) {
        return listeners.stream().filter(l -> l.name().equals(name)).mapToInt(Listener::port).findFirst().orElse(-1);
    }

    /**
     * A graceful stop's first half: stops accepting on every listener and lets the uploads in
     * flight go on for up to {@code limit}; then {@link #close()} cuts the rest, each keeping a
     * resume point forced to disk. One line says what was drained and what will be cut.
     */
    public void drain(Duration limit) throws InterruptedException {
        for (Listener l : listeners) {
            try {
                l.stopAccepting();
            } catch (Exception e) {
                LOG.warn("{}: stopping to accept failed: {}", l.name(), e.toString());
            }
        }
        if (context == null) {
            return;
        }
        int atStart = context.metrics().inFlight();
        long end = System.nanoTime() + limit.toNanos();
        // an upload counts as finished once its sender was answered: its connection is gone too
        while ((context.metrics().inFlight() > 0 || context.metrics().connections() > 0) && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        int left = context.metrics().inFlight();
        LOG.info("stopping: {} uploads were in flight, {} finished within {} s, {} cut now (incomplete, resumable)",
                atStart, Math.max(0, atStart - left), limit.toSeconds(), left);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
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
            if (context.store() != null) {
                context.store().close();
            }
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
        if (fleet != null) {
            fleet.close(); // after the file threads: the last saves are written if the database answers
        }
        for (InstanceLock l : locks) {
            try {
                l.close();
            } catch (IOException e) {
                LOG.warn("releasing a lock failed: {}", e.getMessage());
            }
        }
        locks.clear();
    }

    private SslContext tls() throws Exception {
        if (!config.tlsEnabled()) {
            return null;
        }
        return SslContextBuilder.forServer(config.tlsCert.toFile(), config.tlsKey.toFile())
                .sslProvider(SslProvider.JDK).build();
    }
}
