package io.vmcored.server.catalog;

import io.vmcored.protocol.flat.DecoderLimits;
import io.vmcored.server.storage.SpoolLayout;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In-memory index of every dump directory in the spool, rebuilt from the manifests at
 * start. Dumps that were {@code receiving} when the server died become {@code incomplete}.
 * The transports create records here; retention deletes them here.
 */
public final class DumpCatalog {

    private static final Logger LOG = LoggerFactory.getLogger("vmcored.catalog");

    private final SpoolLayout layout;
    private final DecoderLimits limits;
    private final Map<String, DumpRecord> byId = new ConcurrentHashMap<>();
    private volatile UploadObserver observer = UploadObserver.NONE;
    private volatile java.util.concurrent.Executor background = Runnable::run;
    private volatile DumpListener listener = DumpListener.NONE;
    private volatile java.util.function.LongSupplier reservable = () -> Long.MAX_VALUE;

    private DumpCatalog(SpoolLayout layout, DecoderLimits limits) {
        this.layout = layout;
        this.limits = limits;
    }

    /** Opens (creating) the spool and rebuilds the index from its manifests. Blocking. */
    public static DumpCatalog open(Path spool, DecoderLimits limits) throws IOException {
        DumpCatalog c = new DumpCatalog(new SpoolLayout(spool), limits);
        Files.createDirectories(c.layout.spool());
        c.rebuild();
        return c;
    }

    /** Where follow-up work (fsync and checksum of finished files) runs; the server sets a sync executor. */
    public void background(java.util.concurrent.Executor e) {
        background = e;
    }

    /**
     * Bytes uploads may still reserve ahead of their writes: the free space above the
     * watermark (the server sets it from its DiskGuard), so that a reservation is never what
     * takes the spool below it.
     */
    public void reservable(java.util.function.LongSupplier bytes) {
        reservable = bytes;
    }

    java.util.function.LongSupplier reservable() {
        return reservable;
    }

    void background(Runnable task) {
        try {
            background.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            task.run();
        }
    }

    public void observer(UploadObserver o) {
        observer = o;
    }

    UploadObserver observer() {
        return observer;
    }

    /** Who hears about dumps starting and ending (crash analysis, events); set after {@link #open}. */
    public void listener(DumpListener l) {
        listener = l;
    }

    DumpListener listener() {
        return listener;
    }

    DecoderLimits limits() {
        return limits;
    }

    public SpoolLayout layout() {
        return layout;
    }

    /** A new dump of {@code host} in a fresh {@code <host>/<time>/} directory. */
    public DumpRecord create(String host, String transport, String clientId) throws IOException {
        Path dir = layout.newDumpDirectory(host);
        return add(dir, host, transport, clientId);
    }

    /**
     * The dump in a client-named directory {@code <spool>/<host>/<name>} (SSH {@code mkdir -p}),
     * created and registered if new, the existing record otherwise.
     */
    public synchronized DumpRecord register(String host, String name, String transport) throws IOException {
        Path dir = layout.namedDirectory(host, name);
        String id = idOf(host, name);
        DumpRecord existing = byId.get(id);
        if (existing != null) {
            return existing;
        }
        Files.createDirectories(dir);
        return add(dir, host, transport, null);
    }

    public Optional<DumpRecord> get(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** The newest dump of {@code host} the sender named {@code clientId}. */
    public Optional<DumpRecord> byClientId(String host, String clientId) {
        return byId.values().stream()
                .filter(r -> r.host().equals(host) && clientId.equals(r.clientId()))
                .max(Comparator.comparing(DumpRecord::id));
    }

    /** Records matching {@code filter}, oldest first. */
    public List<DumpRecord> list(Predicate<DumpRecord> filter) {
        List<DumpRecord> out = new ArrayList<>();
        for (DumpRecord r : byId.values()) {
            if (filter.test(r)) {
                out.add(r);
            }
        }
        out.sort(Comparator.comparing((DumpRecord r) -> r.snapshot().created).thenComparing(DumpRecord::id));
        return out;
    }

    public int size() {
        return byId.size();
    }

    /** Deletes a finished dump (retention). Refuses one in flight. Blocking. */
    public void delete(DumpRecord r) throws IOException {
        if (r.inFlight()) {
            throw new IllegalStateException("dump " + r.id() + " is in flight: not deleting it");
        }
        byId.remove(r.id());
        try (var files = Files.walk(r.directory())) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static String idOf(String host, String dirName) {
        return host + "@" + dirName;
    }

    private DumpRecord add(Path dir, String host, String transport, String clientId) throws IOException {
        Manifest m = new Manifest();
        m.id = idOf(host, dir.getFileName().toString());
        m.host = host;
        m.clientId = clientId;
        m.transport = transport;
        m.created = Instant.now().toString();
        m.updated = m.created;
        // not fsynced, like every intermediate state: a new dump's manifest lost in a power cut is
        // rebuilt from its directory (as incomplete), while fsyncing it cost each upload two disk
        // flushes on a file thread (half the file threads' time with 128 uploads starting at once)
        ManifestIo.write(dir, m, false);
        DumpRecord r = new DumpRecord(this, dir, m);
        byId.put(m.id, r);
        return r;
    }

    private void rebuild() throws IOException {
        int recovered = 0;
        try (DirectoryStream<Path> hosts = Files.newDirectoryStream(layout.spool(), Files::isDirectory)) {
            for (Path hostDir : hosts) {
                try (DirectoryStream<Path> dumps = Files.newDirectoryStream(hostDir, Files::isDirectory)) {
                    for (Path dir : dumps) {
                        recovered += load(hostDir.getFileName().toString(), dir);
                    }
                }
            }
        }
        LOG.info("catalog rebuilt from {}: {} dumps, {} were receiving and are now incomplete",
                layout.spool(), byId.size(), recovered);
    }

    private int load(String host, Path dir) {
        if (dir.getFileName().toString().startsWith(".")) {
            return 0;
        }
        if (!ManifestIo.exists(dir)) {
            return adopt(host, dir, "manifest missing");
        }
        try {
            Manifest m = ManifestIo.read(dir);
            DumpRecord r = new DumpRecord(this, dir, m);
            byId.put(m.id, r);
            if (m.state == DumpState.RECEIVING || m.files.values().stream()
                    .anyMatch(f -> f.state == DumpState.COMPLETE && f.synced == null)) {
                r.recover();
                return 1;
            }
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
            byId.put(m.id, new DumpRecord(this, dir, m));
            LOG.warn("dump directory {}: {}; kept as incomplete with {} files", dir, why, files.size());
            return 1;
        } catch (IOException e) {
            LOG.warn("skipping dump directory {}: {} and cannot list it ({})", dir, why, e.getMessage());
            return 0;
        }
    }
}
