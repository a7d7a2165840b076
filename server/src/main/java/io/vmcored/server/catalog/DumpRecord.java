package io.vmcored.server.catalog;

import io.vmcored.protocol.rearrange.ContentKind;
import io.vmcored.protocol.rearrange.StreamReceiver.Outcome;
import io.vmcored.server.catalog.DumpRules.Ending;
import io.vmcored.server.catalog.Manifest.FileEntry;
import io.vmcored.server.storage.HeaderFlags;
import io.vmcored.server.storage.ResumePoint;
import io.vmcored.server.storage.SpoolLayout;
import io.vmcored.server.storage.StoredExtent;
import io.vmcored.server.storage.UploadWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One dump directory and its manifest. Every change is written to {@code manifest.json} at
 * once (atomically), so the directory tells the truth after a crash. The rules of when a dump
 * is complete are {@link DumpRules}; one upload per file is {@link FileClaims}; forcing files
 * to disk before the manifest claims them is {@link Durability}.
 *
 * <p>A finished dump keeps only its summary fields in memory ("cold"): its manifest is read
 * from disk when asked for, so that a catalog of a fleet's years of dumps fits in memory.
 * Methods that touch the disk block: call them off the event loop. Thread-safe.
 */
public final class DumpRecord {

    private static final Logger LOG = LoggerFactory.getLogger(DumpRecord.class);

    private final SpoolCatalog catalog;
    private final Path dir;
    private final String id;
    private final String host;
    /** Null while cold (finished, nothing running); loaded again when changed. */
    private Manifest m;
    private volatile DumpSummary summary;
    private final FileClaims claims = new FileClaims();
    private final Durability durability = new Durability(this);
    /** True from the first upload until the dump ends: the "started" event fires once per receiving period. */
    private boolean announced;
    private boolean deleted;

    DumpRecord(SpoolCatalog catalog, Path dir, Manifest manifest) {
        this.catalog = catalog;
        this.dir = dir;
        this.id = manifest.id;
        this.host = manifest.host;
        this.m = manifest;
        this.summary = DumpSummary.of(manifest);
    }

    public String id() {
        return id;
    }

    public String host() {
        return host;
    }

    public Path directory() {
        return dir;
    }

    public DumpState state() {
        return summary.state();
    }

    public String clientId() {
        return summary.clientId();
    }

    /** What listings and filters need, immutable: never a copy of the manifest. */
    public DumpSummary summary() {
        return summary;
    }

    /** A copy of the manifest, safe to serialize or inspect (read from disk when the record is cold). */
    public synchronized Manifest snapshot() {
        return m == null ? view() : ManifestIo.json().convertValue(m, Manifest.class);
    }

    /** True while an upload into one of this dump's files is opening or running. */
    public synchronized boolean uploading() {
        return claims.any();
    }

    /** True while a file of this dump is being written: retention never deletes it. */
    public synchronized boolean inFlight() {
        return claims.any() || summary.state() == DumpState.RECEIVING;
    }

    /** The path of a client-chosen file name inside this dump's directory (checked: no '/', no dot files). */
    public Path fileFor(String name) {
        return dir.resolve(SpoolLayout.checkName("file name", name));
    }

    /** Starts a new upload of {@code name} (truncating an earlier one of that name). */
    public FileUpload upload(String name, Transport transport) throws IOException {
        Path file = fileFor(name);
        claim(name);
        try {
            UploadWriter w = UploadWriter.create(file, catalog.limits(), catalog.reservable());
            begin(name, transport, false);
            return opened(name, new FileUpload(this, name, transport, w, catalog.observer()));
        } catch (IOException | RuntimeException e) {
            unclaim(name);
            throw e;
        }
    }

    /** Continues {@code name} at its {@link #resumePoint}; the sender starts at {@code point.from()}. */
    public FileUpload resume(String name, Transport transport) throws IOException {
        claim(name);
        try {
            ResumePoint p;
            ContentKind kind;
            String mark;
            synchronized (this) {
                p = resumePoint(name);
                if (p == null) {
                    throw new IllegalStateException("file " + name + " of dump " + id + " has no resumable committed part");
                }
                FileEntry e = manifest().files.get(name);
                kind = ContentKind.valueOf(e.contentKind);
                mark = e.incompleteMark;
                String lost = new StoredExtent(e.resumeExtent, ResumePoint.parseHash(e.resumeExtentHash))
                        .mismatch(fileFor(name));
                if (lost != null) {
                    forgetResumePoint(name, e, lost);
                    throw new IOException("cannot resume " + name + " of dump " + id + ": " + lost
                            + "; ask again for the offset (now 0)");
                }
                manifest().resumes++;
            }
            UploadWriter w = UploadWriter.resume(fileFor(name), kind, p, catalog.limits(), catalog.reservable());
            if (mark != null) {
                HeaderFlags.clear(fileFor(name), mark);
            }
            begin(name, transport, true);
            return opened(name, new FileUpload(this, name, transport, w, catalog.observer()));
        } catch (IOException | RuntimeException e) {
            unclaim(name);
            throw e;
        }
    }

    /**
     * Where {@code name} can be resumed, or null if it cannot (nothing committed, finished,
     * unknown, or no verifiable record of what the stored file held).
     */
    public synchronized ResumePoint resumePoint(String name) {
        FileEntry e = view().files.get(name);
        if (e == null || e.resumeFrom == null || e.resumeHash == null || e.state == DumpState.COMPLETE
                || e.contentKind == null || e.resumeExtent == null || e.resumeExtentHash == null) {
            return null;
        }
        ResumePoint p = new ResumePoint(e.committedBytes, e.resumeFrom, ResumePoint.parseHash(e.resumeHash));
        return UploadWriter.canResume(ContentKind.valueOf(e.contentKind), p) ? p : null;
    }

    /** The compressor whose wrapper was taken off {@code name} when it was stored, or null. */
    public synchronized ContentKind unwrappedFrom(String name) {
        FileEntry e = view().files.get(name);
        return e == null || e.unwrappedFrom == null ? null : ContentKind.valueOf(e.unwrappedFrom);
    }

    /** The state of file {@code name}, or null if the dump has no such file. */
    public synchronized DumpState fileState(String name) {
        FileEntry e = view().files.get(name);
        return e == null ? null : e.state;
    }

    /** Names the main dump file (the one whose outcome decides the dump's state). */
    public synchronized void setDumpFile(String name) throws IOException {
        checkLive();
        manifest().dumpFile = SpoolLayout.checkName("file name", name);
        save();
    }

    /** Follows a client's rename (SSH {@code mv vmcore-incomplete vmcore.flat}); the manifest keeps the entry. */
    public synchronized void renameFile(String from, String to) throws IOException {
        checkLive();
        Files.move(fileFor(from), fileFor(to), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Manifest mf = manifest();
        FileEntry e = mf.files.remove(from);
        if (e != null) {
            mf.files.put(to, e);
        }
        if (from.equals(mf.dumpFile)) {
            mf.dumpFile = to;
        }
        claims.renamed(from, to);
        save();
    }

    /** The sender sent everything it will send: complete if its dump file arrived whole, else incomplete. */
    public synchronized DumpState complete() throws IOException {
        if (state().finished() && !claims.any()) {
            return state(); // already ended (e.g. by its last file, then the sender's END): announce it once
        }
        Ending end = DumpRules.atEnd(manifest());
        return finish(end.state(), end.problem());
    }

    /** After one file ended (TCP, HTTP): the dump's state if that ended it, else the current state. */
    public synchronized DumpState fileDone(String name) throws IOException {
        return DumpRules.fileEndsDump(manifest(), name) ? complete() : state();
    }

    /**
     * A file written by name (SSH) ended: {@code eof} when the client closed it, false when
     * the connection broke ({@code name} as {@link FileUpload#name()} has it: without the suffix of
     * a compressor whose wrapper was taken off). A flattened {@code X.flat} is stored as {@code X}; a dump's
     * file that arrived under its final name ends the dump; an {@code *-incomplete} one
     * waits for the client's rename ({@link #namedFileRenamed}) or the settle time.
     */
    public synchronized void namedFileEnded(String name, Outcome outcome, boolean eof) throws IOException {
        if (!eof) {
            fail(outcome.problem() == null ? "connection lost" : outcome.problem());
            return;
        }
        if (ClientNames.awaitsRename(name)) {
            return;
        }
        String stored = ClientNames.storedName(name, outcome.kind());
        if (!stored.equals(name)) {
            renameFile(name, stored);
        }
        if (ClientNames.isDump(outcome.kind())) {
            setDumpFile(stored);
        }
        if (DumpRules.namedFileEndsDump(manifest(), stored)) {
            complete();
        }
    }

    /** The client renamed {@code from} to {@code to} (already applied with {@link #renameFile}). */
    public synchronized void namedFileRenamed(String from, String to) throws IOException {
        if (!ClientNames.completesByRename(from, to)) {
            return;
        }
        FileEntry e = manifest().files.get(to);
        if (e != null && e.contentKind != null && ClientNames.isDump(ContentKind.valueOf(e.contentKind))) {
            setDumpFile(to);
        }
        if (DumpRules.namedFileEndsDump(manifest(), to)) {
            complete();
        }
    }

    /** Ends a dump whose client went quiet for {@code settle} (see {@link DumpRules#whenQuiet}); false if not due. */
    synchronized boolean endIfQuiet(Instant now, Duration settle) throws IOException {
        if (claims.any() || state() != DumpState.RECEIVING || !DumpRules.quietFor(manifest(), now, settle)) {
            return false;
        }
        Ending end = DumpRules.whenQuiet(manifest(), settle);
        finish(end.state(), end.problem());
        return true;
    }

    /**
     * An upload of {@code name} that could not start (the disk full before its first byte): the
     * dump must not stay receiving on its account, or it would never end (no upload will end it),
     * count as in flight for ever (no DELETE, no retention) and list as receiving. With no other
     * upload running it ends as its files stand ({@link DumpRules#atEnd}), {@code why} the problem.
     */
    public synchronized DumpState notStarted(String name, String why) throws IOException {
        Manifest mf = manifest();
        if (claims.any() || mf.state != DumpState.RECEIVING) {
            return state();
        }
        FileEntry e = mf.files.get(name);
        if (e != null && e.state == DumpState.RECEIVING) {
            e.state = DumpState.INCOMPLETE;
            e.problem = why;
        }
        Ending end = DumpRules.atEnd(mf);
        return finish(end.state(), end.state() == DumpState.COMPLETE ? null : why);
    }

    /** Ends the dump as incomplete: what arrived stays. */
    public synchronized DumpState fail(String reason) throws IOException {
        return finish(DumpState.INCOMPLETE, reason);
    }

    /** Ends the dump as rejected (nothing usable was accepted). */
    public synchronized DumpState reject(String reason) throws IOException {
        return finish(DumpState.REJECTED, reason);
    }

    /** Records a change to the manifest (steering, sender options, analysis). */
    public synchronized void update(Consumer<Manifest> change) throws IOException {
        checkLive();
        change.accept(manifest());
        save();
    }

    /**
     * Restart recovery of a dump that was receiving when the server died: its files end
     * incomplete and stay resumable where what the disk holds still matches their resume points.
     */
    synchronized void recover() throws IOException {
        for (Map.Entry<String, FileEntry> f : manifest().files.entrySet()) {
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
        verifyResumePoints();
        finish(DumpState.INCOMPLETE, "server stopped while the dump was being received");
    }

    /** Forgets resume points whose stored file no longer holds what they were recorded with. */
    synchronized void verifyResumePoints() throws IOException {
        boolean changed = false;
        for (Map.Entry<String, FileEntry> f : manifest().files.entrySet()) {
            FileEntry e = f.getValue();
            if (e.resumeFrom == null || e.state == DumpState.COMPLETE) {
                continue;
            }
            String lost = e.resumeExtent == null || e.resumeExtentHash == null
                    ? "no record of what the stored file held at its resume point"
                    : new StoredExtent(e.resumeExtent, ResumePoint.parseHash(e.resumeExtentHash)).mismatch(fileFor(f.getKey()));
            if (lost != null) {
                forgetResumePoint(f.getKey(), e, lost);
                changed = true;
            }
        }
        if (changed) {
            save();
        }
    }

    private void forgetResumePoint(String name, FileEntry e, String why) {
        LOG.warn("dump host={} id={} file={}: resume point at {} dropped: {}; the sender starts again from 0",
                host, id, name, e.resumeFrom, why);
        e.resumeFrom = null;
        e.resumeHash = null;
        e.resumeExtent = null;
        e.resumeExtentHash = null;
        e.committedBytes = 0;
        e.problem = (e.problem == null ? "" : e.problem + "; ") + why + ": resuming from 0";
    }

    /** Marks the record deleted unless it is in flight; a deleted record takes no new upload. */
    synchronized boolean markDeleted() {
        if (inFlight()) {
            return false;
        }
        deleted = true;
        return true;
    }

    /** A resume point whose data below it is on disk ({@link Durability}); ignored once the upload ended. */
    synchronized void checkpoint(String name, ResumePoint p, StoredExtent x, String kind, long streamBytes)
            throws IOException {
        FileEntry e = manifest().files.get(name);
        if (e == null || e.state != DumpState.RECEIVING || (e.resumeFrom != null && e.committedBytes >= p.committed())) {
            return;
        }
        e.contentKind = kind;
        e.streamBytes = Math.max(e.streamBytes, streamBytes);
        setResume(e, p, x);
        save();
    }

    synchronized DumpState fileEnded(String name, Outcome o, ContentKind wrapper, ResumePoint p, StoredExtent x,
                                     long millis) throws IOException {
        claims.ended(name);
        FileEntry e = entry(name);
        e.contentKind = o.kind() == null ? e.contentKind : o.kind().name();
        e.unwrappedFrom = wrapper == null ? null : wrapper.name();
        e.state = o.complete() ? DumpState.COMPLETE : DumpState.INCOMPLETE;
        e.streamBytes = o.streamBytes();
        e.committedBytes = o.complete() ? o.streamBytes() : Math.max(e.committedBytes, p == null ? 0 : p.committed());
        e.fileSize = o.fileSize() >= 0 ? o.fileSize() : sizeOf(name);
        e.problem = o.problem();
        e.incompleteMark = o.marked() == null ? null : o.marked().name();
        e.finished = Instant.now().toString();
        e.transferMillis += millis;
        if (o.complete()) {
            setResume(e, null, null);
        } else if (p != null && x != null) {
            setResume(e, p, x);
        }
        if (o.complete() && name.equals(manifest().dumpFile)) {
            manifest().inspect = HeaderFacts.of(fileFor(name));
        }
        if (o.complete()) {
            durability.completed(e);
        }
        save();
        return e.state;
    }

    /** The catalog's lock for this dump: durability's follow-up work saves under it. */
    synchronized void saveAfterSync() throws IOException {
        save();
    }

    synchronized String nameOf(FileEntry e) {
        for (Map.Entry<String, FileEntry> f : manifest().files.entrySet()) {
            if (f.getValue() == e) {
                return f.getKey();
            }
        }
        return null;
    }

    SpoolCatalog catalog() {
        return catalog;
    }

    Durability durability() {
        return durability;
    }

    private synchronized void claim(String name) throws IOException {
        checkLive();
        claims.claim(name, id);
    }

    private void checkLive() throws DumpDeletedException {
        if (deleted) {
            throw new DumpDeletedException("dump " + id + " was deleted");
        }
    }

    private synchronized void unclaim(String name) {
        claims.unclaim(name);
        coolDown();
    }

    private synchronized FileUpload opened(String name, FileUpload up) {
        catalog.uploadsInFlight().opened(up);
        return claims.opened(name, up);
    }

    void uploadEnded(FileUpload up) {
        catalog.uploadsInFlight().ended(up);
    }

    private void begin(String name, Transport transport, boolean resumed) throws IOException {
        synchronized (this) {
            Manifest mf = manifest();
            FileEntry e = entry(name);
            e.state = DumpState.RECEIVING;
            e.started = e.started == null ? Instant.now().toString() : e.started;
            mf.state = DumpState.RECEIVING;
            mf.problem = null;
            mf.finished = null;
            save();
            if (!announced) {
                announced = true;
                catalog.listener().started(this);
            }
        }
        catalog.observer().started(transport, resumed);
    }

    private DumpState finish(DumpState state, String problem) throws IOException {
        Manifest mf = manifest();
        mf.state = state;
        mf.problem = problem;
        mf.finished = Instant.now().toString();
        try {
            save();
        } finally {
            // ended in memory even when the disk refused the manifest (full): said once, heard once
            long size = mf.files.values().stream().mapToLong(f -> f.fileSize).sum();
            LOG.info("dump {} host={} id={} transport={} outcome={} size={}{}", mf.dumpFile == null ? "-" : mf.dumpFile,
                    host, id, mf.transport, state.wire(), size, problem == null ? "" : " problem=\"" + problem + "\"");
            announced = false;
            catalog.listener().finished(this, state);
        }
        return state;
    }

    private FileEntry entry(String name) {
        return manifest().files.computeIfAbsent(SpoolLayout.checkName("file name", name), n -> new FileEntry());
    }

    private static void setResume(FileEntry e, ResumePoint p, StoredExtent x) {
        e.resumeFrom = p == null ? null : p.from();
        e.resumeHash = p == null ? null : p.hashHex();
        e.resumeExtent = x == null ? null : x.length();
        e.resumeExtentHash = x == null ? null : x.hashHex();
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

    /** The manifest to read from: the live one, or a fresh read that a cold record does not keep. Caller holds the lock. */
    private Manifest view() {
        if (m != null) {
            return m;
        }
        try {
            return ManifestIo.read(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("dump " + id + ": manifest unreadable (" + e.getMessage() + ")", e);
        }
    }

    /** The manifest to change, loaded (and kept until saved) if the record is cold. Caller holds the lock. */
    private Manifest manifest() {
        if (m == null) {
            try {
                m = ManifestIo.read(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("dump " + id + ": manifest unreadable (" + e.getMessage() + ")", e);
            }
        }
        return m;
    }

    /** After loading at start: keeps only the summary unless something still runs. */
    synchronized void cool() {
        coolDown();
    }

    /** Drops the manifest from memory once nothing runs and nothing waits for the disk. */
    private void coolDown() {
        if (m != null && m.state.finished() && !claims.any() && !durability.pending()) {
            m = null;
        }
    }

    private void save() throws IOException {
        if (deleted) {
            return; // a late save (a sync finishing, a checkpoint) must not bring a deleted directory back
        }
        Manifest mf = manifest();
        mf.updated = Instant.now().toString();
        // durable only once no complete file still waits for its own fsync: a durable manifest
        // must never claim data the disk may not have
        try {
            ManifestIo.write(dir, mf, mf.state.finished() && !durability.pending());
        } finally {
            // listings, DELETE and retention answer from memory: a manifest the disk refused
            // (ENOSPC) must not leave them with the state before (the disk's copy is recovered at start)
            summary = DumpSummary.of(mf);
            catalog.saved(this);
        }
        coolDown();
    }
}
