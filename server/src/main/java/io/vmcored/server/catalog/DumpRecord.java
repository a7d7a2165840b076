package io.vmcored.server.catalog;

import io.vmcored.server.storage.Checksums;
import io.vmcored.server.storage.HeaderFlags;
import io.vmcored.protocol.flat.DecoderLimits;
import io.vmcored.protocol.rearrange.ContentKind;
import io.vmcored.protocol.rearrange.StreamReceiver.Outcome;
import io.vmcored.server.catalog.Manifest.FileEntry;
import io.vmcored.server.storage.ResumePoint;
import io.vmcored.server.storage.SpoolLayout;
import io.vmcored.server.storage.UploadWriter;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One dump directory and its manifest. Every change is written to {@code manifest.json}
 * at once (atomically), so the directory always tells the truth after a crash. Methods
 * that touch the disk block: call them off the event loop. Thread-safe.
 */
public final class DumpRecord {

    private static final Logger LOG = LoggerFactory.getLogger("vmcored.dumps");

    private final DumpCatalog catalog;
    private final Path dir;
    private final Manifest m;
    private int activeUploads;
    /** Complete files whose fsync has not finished yet (see {@link #persist}). */
    private int unsynced;
    private final java.util.Set<String> opening = new java.util.HashSet<>();
    private final Map<String, FileUpload> active = new java.util.HashMap<>();
    /** True from the first upload until the dump ends: the "started" event fires once per receiving period. */
    private boolean announced;

    DumpRecord(DumpCatalog catalog, Path dir, Manifest manifest) {
        this.catalog = catalog;
        this.dir = dir;
        this.m = manifest;
    }

    public String id() {
        return m.id;
    }

    public String host() {
        return m.host;
    }

    public Path directory() {
        return dir;
    }

    public synchronized DumpState state() {
        return m.state;
    }

    public synchronized String clientId() {
        return m.clientId;
    }

    /** A copy of the manifest, safe to serialize or inspect. */
    public synchronized Manifest snapshot() {
        return ManifestIo.json().convertValue(m, Manifest.class);
    }

    /** True while an upload into one of this dump's files is running. */
    public synchronized boolean uploading() {
        return activeUploads > 0;
    }

    /** True while a file of this dump is being written: retention never deletes it. */
    public synchronized boolean inFlight() {
        return activeUploads > 0 || m.state == DumpState.RECEIVING;
    }

    /** The path of a client-chosen file name inside this dump's directory (checked: no '/', no dot files). */
    public Path fileFor(String name) {
        return dir.resolve(SpoolLayout.checkName("file name", name));
    }

    /** Starts a new upload of {@code name} (truncating an earlier one of that name). */
    public FileUpload upload(String name, String transport) throws IOException {
        Path file = fileFor(name);
        claim(name);
        try {
            UploadWriter w = UploadWriter.create(file, limits(), catalog.reservable());
            begin(name, transport, false);
            return opened(name, new FileUpload(this, name, transport, w, catalog.observer()));
        } catch (IOException | RuntimeException e) {
            unclaim(name);
            throw e;
        }
    }

    /**
     * One upload per file at a time. A second one stops the first (its transport's
     * {@link FileUpload#onStop} hook, e.g. closing a connection whose link died silently)
     * and is refused with {@link UploadBusyException}: the sender retries and resumes.
     */
    private synchronized void claim(String name) throws UploadBusyException {
        if (opening.contains(name) || active.containsKey(name)) {
            FileUpload earlier = active.get(name);
            if (earlier != null) {
                earlier.stop();
            }
            throw new UploadBusyException("file " + name + " of dump " + id() + " is still being received by an"
                    + " earlier connection; it is being stopped, retry in a few seconds");
        }
        opening.add(name);
    }

    private synchronized void unclaim(String name) {
        opening.remove(name);
    }

    private synchronized FileUpload opened(String name, FileUpload up) {
        opening.remove(name);
        active.put(name, up);
        return up;
    }

    /** Where {@code name} can be resumed, or null if it cannot (nothing committed, finished, unknown). */
    public synchronized ResumePoint resumePoint(String name) {
        FileEntry e = m.files.get(name);
        if (e == null || e.resumeFrom == null || e.resumeHash == null || e.state == DumpState.COMPLETE
                || e.contentKind == null) {
            return null;
        }
        ResumePoint p = new ResumePoint(e.committedBytes, e.resumeFrom, ResumePoint.parseHash(e.resumeHash));
        return UploadWriter.canResume(ContentKind.valueOf(e.contentKind), p) ? p : null;
    }

    /** Continues {@code name} at its {@link #resumePoint}; the sender starts at {@code point.from()}. */
    public FileUpload resume(String name, String transport) throws IOException {
        claim(name);
        try {
            return resumeClaimed(name, transport);
        } catch (IOException | RuntimeException e) {
            unclaim(name);
            throw e;
        }
    }

    private FileUpload resumeClaimed(String name, String transport) throws IOException {
        ResumePoint p = resumePoint(name);
        if (p == null) {
            throw new IllegalStateException("file " + name + " of dump " + id() + " has no resumable committed part");
        }
        ContentKind kind;
        synchronized (this) {
            kind = ContentKind.valueOf(m.files.get(name).contentKind);
            m.resumes++;
        }
        String mark;
        synchronized (this) {
            mark = m.files.get(name).incompleteMark;
        }
        UploadWriter w = UploadWriter.resume(fileFor(name), kind, p, limits(), catalog.reservable());
        if (mark != null) {
            HeaderFlags.clear(fileFor(name), mark);
        }
        begin(name, transport, true);
        return opened(name, new FileUpload(this, name, transport, w, catalog.observer()));
    }

    /** Names the main dump file (the one whose outcome decides the dump's state). */
    public synchronized void setDumpFile(String name) throws IOException {
        m.dumpFile = SpoolLayout.checkName("file name", name);
        save();
    }

    /** Follows a client's rename (SSH {@code mv vmcore-incomplete vmcore.flat}); the manifest keeps the entry. */
    public synchronized void renameFile(String from, String to) throws IOException {
        Files.move(fileFor(from), fileFor(to), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        FileEntry e = m.files.remove(from);
        if (e != null) {
            m.files.put(to, e);
        }
        if (from.equals(m.dumpFile)) {
            m.dumpFile = to;
        }
        save();
    }

    /** Ends the dump: complete if its dump file arrived whole, otherwise incomplete (with that file's problem). */
    public synchronized DumpState complete() throws IOException {
        if (m.state.finished() && activeUploads == 0) {
            return m.state; // already ended (e.g. by its last file, then the sender's END): announce it once
        }
        FileEntry main = m.dumpFile == null ? null : m.files.get(m.dumpFile);
        if (main != null && main.state == DumpState.COMPLETE) {
            return finish(DumpState.COMPLETE, null);
        }
        boolean dmesgOnly = m.steer != null && "dmesg".equals(m.steer.get("mode"));
        if (main == null && dmesgOnly && m.files.values().stream().anyMatch(f -> f.state == DumpState.COMPLETE)) {
            return finish(DumpState.COMPLETE, null);
        }
        String why = main == null ? "no dump file was received" : main.problem;
        return finish(DumpState.INCOMPLETE, why == null ? "dump file incomplete" : why);
    }

    /**
     * After one file ended: the dump's state if it is over (its main file, or any file of a
     * dump the server steered to kernel-log-only), else the current state (more files to come).
     */
    public synchronized DumpState fileDone(String name) throws IOException {
        boolean dmesgOnly = m.steer != null && "dmesg".equals(m.steer.get("mode"));
        if (name.equals(m.dumpFile) || (dmesgOnly && m.dumpFile == null)) {
            return complete();
        }
        return m.state;
    }

    /** Ends the dump as incomplete: what arrived stays. */
    public synchronized DumpState fail(String reason) throws IOException {
        return finish(DumpState.INCOMPLETE, reason);
    }

    /** Ends the dump as rejected (nothing usable was accepted). */
    public synchronized DumpState reject(String reason) throws IOException {
        return finish(DumpState.REJECTED, reason);
    }

    /** Restart recovery: a dump that was receiving when the server died; its files stay resumable. */
    synchronized void recover() throws IOException {
        for (Map.Entry<String, FileEntry> f : m.files.entrySet()) {
            FileEntry e = f.getValue();
            boolean lostSync = e.state == DumpState.COMPLETE && e.synced == null;
            if (e.state == DumpState.RECEIVING || lostSync) {
                e.state = DumpState.INCOMPLETE;
                e.problem = lostSync ? "server stopped before the received file was forced to disk"
                        : "server stopped while the file was being received";
                e.fileSize = sizeOf(f.getKey());
                if ("FLATTENED".equals(e.contentKind)) {
                    e.incompleteMark = HeaderFlags.mark(fileFor(f.getKey()));
                }
            }
        }
        finish(DumpState.INCOMPLETE, "server stopped while the dump was being received");
    }

    /** Records the sender steering (issue 5) in the manifest. */
    public synchronized void update(Consumer<Manifest> change) throws IOException {
        change.accept(m);
        save();
    }

    synchronized void checkpoint(String name, UploadWriter w) throws IOException {
        FileEntry e = entry(name);
        e.contentKind = w.kind() == null ? null : w.kind().name();
        e.streamBytes = w.streamBytes();
        e.committedBytes = w.committed();
        setResume(e, w.resumePoint());
        save();
    }

    synchronized DumpState fileEnded(String name, Outcome o, ResumePoint p, long millis) throws IOException {
        activeUploads--;
        active.remove(name);
        FileEntry e = entry(name);
        e.contentKind = o.kind() == null ? e.contentKind : o.kind().name();
        e.state = o.complete() ? DumpState.COMPLETE : DumpState.INCOMPLETE;
        e.streamBytes = o.streamBytes();
        e.committedBytes = o.complete() ? o.streamBytes() : Math.max(e.committedBytes, p == null ? 0 : p.committed());
        e.fileSize = o.fileSize() >= 0 ? o.fileSize() : sizeOf(name);
        e.problem = o.problem();
        e.incompleteMark = o.marked() == null ? null : o.marked().name();
        e.finished = Instant.now().toString();
        e.transferMillis += millis;
        setResume(e, o.complete() ? null : p);
        if (o.complete() && name.equals(m.dumpFile)) {
            m.inspect = DumpInspector.inspect(fileFor(name));
        }
        if (o.complete()) {
            unsynced++;
        }
        save();
        if (o.complete()) {
            // forcing the file to disk and re-reading it for the checksum take as long as the
            // upload did: the sender is answered now, the manifest becomes durable after both
            catalog.background(() -> persist(e));
        }
        return e.state;
    }

    /**
     * Forces a complete file to disk, then stores its checksum; the manifest is saved durably
     * once no file waits any more. The entry is looked up by identity each time, because a
     * client may rename the file meanwhile (RHEL's {@code mv vmcore-incomplete vmcore.flat}).
     */
    private void persist(FileEntry e) {
        String synced = null;
        String sum = null;
        for (int attempt = 0; attempt < 3 && synced == null; attempt++) {
            String name = nameOf(e);
            if (name == null) {
                break; // the entry is gone (deleted by retention)
            }
            try (FileChannel ch = FileChannel.open(fileFor(name), StandardOpenOption.READ)) {
                ch.force(false);
                synced = Instant.now().toString();
                sum = Checksums.xxh64(fileFor(name));
            } catch (NoSuchFileException renamedMeanwhile) {
                // look the entry up again under its new name
            } catch (IOException ex) {
                LOG.warn("dump {} file {}: {} failed: {}", m.id, name, synced == null ? "forcing to disk" : "checksum",
                        ex.getMessage());
                break;
            }
        }
        synchronized (this) {
            unsynced--;
            if (e.state == DumpState.COMPLETE) {
                e.synced = synced;
                e.checksum = sum;
            }
            try {
                save();
            } catch (IOException ex) {
                LOG.warn("dump {}: saving the manifest failed: {}", m.id, ex.getMessage());
            }
        }
    }

    private synchronized String nameOf(FileEntry e) {
        for (Map.Entry<String, FileEntry> f : m.files.entrySet()) {
            if (f.getValue() == e) {
                return f.getKey();
            }
        }
        return null;
    }

    private void begin(String name, String transport, boolean resumed) throws IOException {
        synchronized (this) {
            activeUploads++;
            FileEntry e = entry(name);
            e.state = DumpState.RECEIVING;
            e.started = e.started == null ? Instant.now().toString() : e.started;
            m.state = DumpState.RECEIVING;
            m.problem = null;
            m.finished = null;
            save();
            if (!announced) {
                announced = true;
                catalog.listener().started(this);
            }
        }
        catalog.observer().started(transport, resumed);
    }

    private DumpState finish(DumpState state, String problem) throws IOException {
        m.state = state;
        m.problem = problem;
        m.finished = Instant.now().toString();
        save();
        long size = m.files.values().stream().mapToLong(f -> f.fileSize).sum();
        LOG.info("dump {} host={} id={} transport={} outcome={} size={}{}", m.dumpFile == null ? "-" : m.dumpFile,
                m.host, m.id, m.transport, state.wire(), size, problem == null ? "" : " problem=\"" + problem + "\"");
        announced = false;
        catalog.listener().finished(this, state);
        return state;
    }

    private FileEntry entry(String name) {
        return m.files.computeIfAbsent(SpoolLayout.checkName("file name", name), n -> new FileEntry());
    }

    private static void setResume(FileEntry e, ResumePoint p) {
        e.resumeFrom = p == null ? null : p.from();
        e.resumeHash = p == null ? null : p.hashHex();
        if (p != null) {
            e.committedBytes = p.committed();
        }
    }

    private long sizeOf(String name) {
        try {
            return Files.size(fileFor(name));
        } catch (IOException e) {
            return 0;
        }
    }

    private DecoderLimits limits() {
        return catalog.limits();
    }

    private void save() throws IOException {
        m.updated = Instant.now().toString();
        // durable only once no complete file still waits for its own fsync: a durable manifest
        // must never claim data the disk may not have
        ManifestIo.write(dir, m, m.state.finished() && unsynced == 0);
    }
}
