package io.vmcored.server.catalog;

import io.vmcored.server.storage.PrivateFiles;
import io.vmcored.protocol.flat.DecoderLimits;
import io.vmcored.server.storage.SpoolLayout;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded catalog: one directory per dump in the spool, each with its manifest, indexed
 * in memory and rebuilt from the manifests at start. Dumps that were {@code receiving} when
 * the server died become {@code incomplete} (their files stay resumable where the disk still
 * holds what their resume points say).
 */
public final class SpoolCatalog implements DumpCatalog {

    private static final Logger LOG = LoggerFactory.getLogger(SpoolCatalog.class);
    /**
     * Readers of the manifests at start, more than the cores: after a reboot the rebuild waits
     * for the disk (100,000 manifests: 12-13 s with 2 readers, 9.5-10 s with 8, 2.3-2.6 s warm).
     */
    private static final int REBUILD_THREADS = 8;

    private final SpoolLayout layout;
    private final DecoderLimits limits;
    private final Map<String, DumpRecord> byId = new ConcurrentHashMap<>();
    /** Summaries by host, sender's id, state, signature, kernel and time: no lookup walks the catalog. */
    private final CatalogIndex index = new CatalogIndex();
    /** Striped locks for find-or-create by sender id: two hosts' new dumps do not wait for each other. */
    private final Object[] creating = new Object[64];
    private final UploadsInFlight uploads = new UploadsInFlight();
    private volatile UploadObserver observer = UploadObserver.NONE;
    private volatile Executor background = Runnable::run;
    private volatile DumpListener listener = DumpListener.NONE;
    private volatile CatalogMirror mirror = CatalogMirror.NONE;
    private volatile LongSupplier reservable = () -> Long.MAX_VALUE;
    /** True while the start-up reads the spool: the index is filled once, after. */
    private volatile boolean loading;

    private SpoolCatalog(SpoolLayout layout, DecoderLimits limits) {
        this.layout = layout;
        this.limits = limits;
        for (int i = 0; i < creating.length; i++) {
            creating[i] = new Object();
        }
    }

    /** Opens (creating) the spool and rebuilds the index from its manifests. Blocking. */
    public static SpoolCatalog open(Path spool, DecoderLimits limits) throws IOException {
        SpoolCatalog c = new SpoolCatalog(new SpoolLayout(spool), limits);
        PrivateFiles.directories(c.layout.spool());
        c.rebuild();
        return c;
    }

    /** Where follow-up work (fsync and checksum of finished files, checkpoints) runs; the server sets a sync executor. */
    public void background(Executor e) {
        background = e;
    }

    /**
     * Bytes uploads may still reserve ahead of their writes: the free space above the
     * watermark, so that a reservation is never what takes the spool below it.
     */
    public void reservable(LongSupplier bytes) {
        reservable = bytes;
    }

    public void observer(UploadObserver o) {
        observer = o;
    }

    @Override
    public void listener(DumpListener l) {
        listener = l;
    }

    /** Who copies every saved summary elsewhere (a shared catalog); the embedded catalog has none. */
    public void mirror(CatalogMirror m) {
        mirror = m;
    }

    @Override
    public UploadsInFlight uploadsInFlight() {
        return uploads;
    }

    @Override
    public List<HostSummary> hosts() {
        return index.hosts();
    }

    @Override
    public Path spool() {
        return layout.spool();
    }

    public SpoolLayout layout() {
        return layout;
    }

    @Override
    public DumpRecord create(String host, Transport transport, String clientId) throws IOException {
        Path dir = layout.newDumpDirectory(host);
        return add(dir, host, transport, clientId);
    }

    @Override
    public DumpRecord findOrCreate(String host, Transport transport, String clientId) throws IOException {
        Object lock = creating[Math.floorMod((host + '\0' + clientId).hashCode(), creating.length)];
        synchronized (lock) {
            Optional<DumpRecord> existing = byClientId(host, clientId);
            return existing.isPresent() ? existing.get() : create(host, transport, clientId);
        }
    }

    @Override
    public synchronized DumpRecord register(String host, String name, Transport transport) throws IOException {
        Path dir = layout.namedDirectory(host, name);
        DumpRecord existing = byId.get(idOf(host, name));
        if (existing != null) {
            return existing;
        }
        PrivateFiles.directories(dir);
        return add(dir, host, transport, null);
    }

    @Override
    public Optional<DumpRecord> get(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    @Override
    public Optional<DumpRecord> byClientId(String host, String clientId) {
        return index.byClientId(host, clientId).map(byId::get);
    }

    @Override
    public DumpPage list(DumpQuery q) {
        return index.page(q);
    }

    @Override
    public boolean knows(DumpQuery.Field field, String value) {
        return index.knows(field, value);
    }

    @Override
    public List<DumpRecord> list(Predicate<DumpRecord> filter) {
        List<DumpRecord> out = new ArrayList<>();
        for (DumpRecord r : byId.values()) {
            if (filter.test(r)) {
                out.add(r);
            }
        }
        out.sort(Comparator.comparing((DumpRecord r) -> r.summary().created()).thenComparing(DumpRecord::id));
        return out;
    }

    @Override
    public long count(String host, DumpState state) {
        return index.count(host, state);
    }

    @Override
    public int size() {
        return byId.size();
    }

    @Override
    public void delete(DumpRecord r) throws IOException {
        if (!r.markDeleted()) {
            throw new IllegalStateException("dump " + r.id() + " is in flight: not deleting it");
        }
        forget(r);
        listener.deleted(r);
        mirror.deleted(r.id());
        try (var files = Files.walk(r.directory())) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    DecoderLimits limits() {
        return limits;
    }

    LongSupplier reservable() {
        return reservable;
    }

    UploadObserver observer() {
        return observer;
    }

    DumpListener listener() {
        return listener;
    }

    void background(Runnable task) {
        try {
            background.execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }

    /** A record's manifest was saved: its new summary replaces the old one in every index. */
    void saved(DumpRecord r) {
        if (!loading && byId.get(r.id()) == r) {
            index.put(r.summary());
            mirror.saved(r.summary(), r.directory());
        }
    }

    static String idOf(String host, String dirName) {
        return host + "@" + dirName;
    }

    private void index(DumpRecord r) {
        byId.put(r.id(), r);
        saved(r);
    }

    private void forget(DumpRecord r) {
        if (byId.remove(r.id(), r)) {
            index.remove(r.id());
        }
    }

    private DumpRecord add(Path dir, String host, Transport transport, String clientId) throws IOException {
        Manifest m = new Manifest();
        m.id = idOf(host, dir.getFileName().toString());
        m.host = host;
        m.clientId = clientId;
        m.transport = transport.label();
        m.created = Instant.now().toString();
        m.updated = m.created;
        // not fsynced, like every intermediate state: a new dump's manifest lost in a power cut is
        // rebuilt from its directory (as incomplete), while fsyncing it cost each upload two disk
        // flushes on a file thread (half the file threads' time with 128 uploads starting at once)
        ManifestIo.write(dir, m, false);
        DumpRecord r = new DumpRecord(this, dir, m);
        index(r);
        return r;
    }

    /** Reads every manifest, on several threads: the spool of a fleet holds a hundred thousand. */
    private void rebuild() throws IOException {
        long t0 = System.nanoTime();
        List<Path> dirs = new ArrayList<>();
        try (DirectoryStream<Path> hosts = Files.newDirectoryStream(layout.spool(), Files::isDirectory)) {
            for (Path hostDir : hosts) {
                // no filter: a stat per entry is one more cold disk read per dump; load() tells files apart
                try (DirectoryStream<Path> dumps = Files.newDirectoryStream(hostDir)) {
                    for (Path dir : dumps) {
                        if (!dir.getFileName().toString().startsWith(".")) {
                            dirs.add(dir);
                        }
                    }
                }
            }
        }
        AtomicInteger recovered = new AtomicInteger();
        loading = true;
        int threads = REBUILD_THREADS;
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> new Thread(r, "vmcored-rebuild"));
        try {
            List<Future<?>> parts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int part = t;
                parts.add(pool.submit(() -> {
                    for (int i = part; i < dirs.size(); i += threads) {
                        Path dir = dirs.get(i);
                        recovered.addAndGet(load(dir.getParent().getFileName().toString(), dir));
                    }
                }));
            }
            for (Future<?> f : parts) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("catalog rebuild interrupted");
        } catch (ExecutionException e) {
            throw new IOException("catalog rebuild failed: " + e.getCause(), e.getCause());
        } finally {
            loading = false;
            pool.shutdown();
            try {
                pool.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        index.load(byId.values().stream().map(DumpRecord::summary).toList());
        LOG.info("catalog rebuilt from {}: {} dumps in {} ms, {} were receiving and are now incomplete",
                layout.spool(), byId.size(), (System.nanoTime() - t0) / 1_000_000, recovered.get());
    }

    private int load(String host, Path dir) {
        try {
            Manifest m;
            try {
                m = ManifestIo.read(dir);
            } catch (NoSuchFileException | FileNotFoundException e) {
                return Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) ? adopt(host, dir, "manifest missing") : 0;
            }
            boolean receiving = m.state == DumpState.RECEIVING || m.files.values().stream()
                    .anyMatch(f -> f.state == DumpState.COMPLETE && f.synced == null);
            DumpRecord r = new DumpRecord(this, dir, m);
            index(r);
            if (receiving) {
                r.recover();
                return 1;
            }
            if (m.state == DumpState.INCOMPLETE) {
                r.verifyResumePoints();
            }
            r.cool();
        } catch (IOException | RuntimeException e) {
            return adopt(host, dir, "manifest unreadable (" + e.getMessage() + ")");
        }
        return 0;
    }

    /** A dump directory whose manifest was lost (power cut before it reached the disk): keep its files, incomplete. */
    private int adopt(String host, Path dir, String why) {
        try (var list = Files.list(dir)) {
            List<Path> files = list.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith(".")).toList();
            if (files.isEmpty()) {
                return 0;
            }
            Manifest m = new Manifest();
            m.id = idOf(host, dir.getFileName().toString());
            m.host = host;
            m.transport = "unknown";
            m.created = Files.getLastModifiedTime(dir).toInstant().toString();
            m.state = DumpState.INCOMPLETE;
            m.problem = why + ": recovered from the files present";
            long biggest = -1;
            for (Path f : files) {
                Manifest.FileEntry e = new Manifest.FileEntry();
                e.state = DumpState.INCOMPLETE;
                e.fileSize = Files.size(f);
                m.files.put(f.getFileName().toString(), e);
                if (e.fileSize > biggest) {
                    biggest = e.fileSize;
                    m.dumpFile = f.getFileName().toString();
                }
            }
            m.finished = Instant.now().toString();
            m.updated = m.finished;
            ManifestIo.write(dir, m);
            DumpRecord r = new DumpRecord(this, dir, m);
            index(r);
            r.cool();
            LOG.warn("dump directory {}: {}; kept as incomplete with {} files", dir, why, files.size());
            return 1;
        } catch (IOException e) {
            LOG.warn("skipping dump directory {}: {} and cannot list it ({})", dir, why, e.getMessage());
            return 0;
        }
    }
}
