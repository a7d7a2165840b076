package io.vmcored.server.ingest;

import io.netty.channel.Channel;
import io.vmcored.protocol.flat.FlattenedFormatException;
import io.vmcored.protocol.rearrange.ContentKind;
import io.vmcored.protocol.rearrange.StreamReceiver.Outcome;
import io.vmcored.server.catalog.ClientNames;
import io.vmcored.server.catalog.DumpCatalog;
import io.vmcored.server.catalog.DumpDeletedException;
import io.vmcored.server.catalog.DumpRecord;
import io.vmcored.server.catalog.DumpState;
import io.vmcored.server.catalog.FileUpload;
import io.vmcored.server.catalog.Manifest;
import io.vmcored.server.catalog.Transport;
import io.vmcored.server.catalog.UploadBusyException;
import io.vmcored.server.metrics.IngestMetrics;
import io.vmcored.server.storage.DiskLowException;
import io.vmcored.server.storage.ResumeMismatchException;
import io.vmcored.server.storage.ResumePoint;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules of an upload, for every transport: may it start, where does it resume, how does
 * it end, what is the sender told. The TCP session, the HTTP handlers and the SSH file layer
 * only translate their wire format to and from {@link UploadRequest}, {@link UploadStatus},
 * {@link UploadResult} and {@link DumpEnd}. Every refusal is counted here, once.
 *
 * <p>Everything that may block runs on the file executor; the methods that return a future
 * may be called from an event loop.
 */
public final class IngestService {

    /** The file an agent's dump goes to unless it names another (its kernel log, say). */
    public static final String MAIN_FILE = "vmcore";

    private static final Logger LOG = LoggerFactory.getLogger(IngestService.class);

    private final DumpCatalog catalog;
    private final Admission admission;
    private final IngestMetrics metrics;
    private final ExecutorService files;
    private final IngestBudget budget;
    private final RefusalLog refusals;
    private final DumpAdmission dumps;
    private volatile OtherCollectors others = OtherCollectors.NONE;
    /** Dump id -> completes once the dump is where its answer may promise it (the bucket); null: at once. */
    private volatile Function<String, CompletableFuture<Boolean>> durable;

    public IngestService(DumpCatalog catalog, Admission admission, DumpAdmission dumps, IngestMetrics metrics,
                         ExecutorService files, IngestBudget budget, RefusalLog refusals) {
        this.refusals = refusals;
        this.dumps = dumps;
        this.catalog = catalog;
        this.admission = admission;
        this.metrics = metrics;
        this.files = files;
        this.budget = budget;
    }

    /**
     * The last file of a dump is answered only once {@code stored} completes for it: with an
     * object store, once the dump is there (or the wait ran out), so that the collector dying
     * after its answer leaves no acknowledged dump on its disk alone.
     */
    public void answerWhenStored(Function<String, CompletableFuture<Boolean>> stored) {
        durable = stored;
    }

    /** When {@code r} may be told to its sender: a dump it completed waits for {@link #answerWhenStored}. */
    CompletableFuture<UploadResult> answerable(UploadResult r) {
        Function<String, CompletableFuture<Boolean>> d = durable;
        if (d == null || r.ending() != UploadResult.Ending.COMPLETE || !DumpState.COMPLETE.wire().equals(r.state())) {
            return CompletableFuture.completedFuture(r);
        }
        long t0 = System.nanoTime();
        return d.apply(r.id()).handle((stored, e) -> {
            if (!Boolean.TRUE.equals(stored)) {
                LOG.info("dump id={}: not yet in the object store after {} ms; its sender is answered, the dump stays"
                        + " in the spool until it is", r.id(), (System.nanoTime() - t0) / 1_000_000);
            }
            return r;
        });
    }

    /** The collectors sharing this one's catalog, asked about dumps it does not have. */
    public void others(OtherCollectors o) {
        others = o;
    }

    /** Where the sender's file stands (HELLO, HEAD); fails with a {@link RefusedException}. */
    public CompletableFuture<UploadStatus> status(Transport transport, UploadRequest req) {
        return onFileThread(() -> {
            authorize(transport, req.host(), req.token(), req.peer());
            Optional<DumpRecord> rec = find(req);
            if (rec.isEmpty()) {
                Optional<UploadStatus> there = fromOtherCollectors(transport, req);
                if (there.isPresent()) {
                    return there.get();
                }
            }
            DumpState fileState = rec.map(r -> r.fileState(req.file())).orElse(null);
            if (fileState != DumpState.COMPLETE) {
                checkDisk(); // a file already complete is still reported: the sender's last answer may have been lost
            }
            ResumePoint rp = rec.map(r -> r.resumePoint(req.file())).orElse(null);
            // asking for the dump file, after its kernel log: the admission decision
            Map<String, String> steer = req.mainFile() && fileState != DumpState.COMPLETE
                    ? dumps.decide(req.host(), req.dumpId(), rec).steer() : admission.steer(req.host());
            return new UploadStatus(rec.map(DumpRecord::id).orElse(null), rec.map(r -> r.state().wire()).orElse("new"),
                    req.file(), fileState == null ? "new" : fileState.wire(), rp == null ? 0 : rp.from(),
                    rp == null ? 0 : rp.committed(), steer);
        });
    }

    /**
     * Starts receiving {@code req}'s file from {@code channel}: new at offset 0, else resumed
     * at the offset {@link #status} gave. A refusal fails the pump (then {@code onFailure},
     * then {@link UploadPump#end} words it).
     */
    public UploadPump open(Transport transport, UploadRequest req, Channel channel, Consumer<Throwable> onFailure) {
        UploadPump pump = new UploadPump(this, channel, onFailure);
        pump.open(() -> {
            authorize(transport, req.host(), req.token(), req.peer());
            Optional<DumpRecord> rec = find(req);
            if (rec.isEmpty() && req.dumpId() != null) {
                Optional<OtherCollectors.Elsewhere> e = others.find(req.host(), req.dumpId());
                if (e.isPresent() && e.get().receiving()) {
                    throw elsewhere(transport, req, e.get());
                }
            }
            if (req.offset() > 0) {
                ResumePoint rp = rec.map(r -> r.resumePoint(req.file())).orElse(null);
                if (rp == null || rp.from() != req.offset()) {
                    long expected = rp == null ? 0 : rp.from();
                    throw refuse(Refusal.BAD_OFFSET, "cannot resume at " + req.offset() + ", expected offset "
                            + expected + " (ask for it first)", expected);
                }
            }
            if (req.offset() == 0 && rec.isPresent() && rec.get().fileState(req.file()) == DumpState.COMPLETE
                    && !admission.mayReplace(req.host(), req.token())) {
                refusals.refused(transport.label(), req.peer(), "replace_denied", "host=" + req.host() + " file="
                        + req.file() + ": the fleet upload token does not start over a complete file");
                throw refuse(Refusal.UNAUTHORIZED, "file " + req.file() + " of dump " + rec.get().id()
                        + " is complete; the fleet upload token creates dumps, it does not replace them", null);
            }
            checkDisk();
            Map<String, String> steer = admission.steer(req.host());
            DumpRecord r = rec.orElse(null);
            try {
                try {
                    r = r != null ? r : newDump(transport, req);
                    return start(transport, req, r, steer);
                } catch (DumpDeletedException e) {
                    if (req.offset() > 0) {
                        throw refuse(Refusal.BAD_OFFSET, "cannot resume at " + req.offset() + ": " + e.getMessage(), 0L);
                    }
                    // retention removed the old dump of this id just now: the upload starts a new one
                    r = newDump(transport, req);
                    return start(transport, req, r, steer);
                }
            } catch (RefusedException | UploadBusyException e) {
                throw e;
            } catch (IOException e) {
                throw notStarted(r, req.file(), e);
            }
        });
        return pump;
    }

    /**
     * The upload failed before its first byte (the disk filled up between the watermark check and
     * the dump's manifest or file): the dump it created or reopened does not stay receiving, and a
     * full disk is answered as one (disk_low: the sender's cue to go to its fallback), not as a
     * server error.
     */
    private IOException notStarted(DumpRecord r, String file, IOException e) {
        boolean full = DiskLowException.isDiskFull(e);
        String why = (full ? "spool full: " : "") + "the upload of " + file + " could not start: " + UploadPump.message(e);
        if (r != null) {
            try {
                r.notStarted(file, why);
            } catch (IOException again) {
                LOG.warn("dump host={} id={}: its end could not be recorded on disk: {}", r.host(), r.id(),
                        UploadPump.message(again));
            }
        }
        return full ? refuse(Refusal.DISK_LOW, why, null) : e;
    }

    private DumpRecord newDump(Transport transport, UploadRequest req) throws IOException {
        return req.dumpId() == null ? catalog.create(req.host(), transport, null)
                : catalog.findOrCreate(req.host(), transport, req.dumpId());
    }

    private FileUpload start(Transport transport, UploadRequest req, DumpRecord r, Map<String, String> steer)
            throws IOException {
        if (!steer.isEmpty()) {
            r.update(m -> m.steer = steer);
        }
        if (req.mainFile()) {
            r.setDumpFile(req.file());
            if (!req.options().isEmpty()) {
                r.update(m -> m.sender = req.options());
            }
        }
        FileUpload up = req.offset() > 0 ? r.resume(req.file(), transport) : r.upload(req.file(), transport);
        if (req.mainFile()) {
            // only an upload that opened holds a full-upload slot: only its end releases it (a
            // manifest the full disk refused before would keep the slot, and the cap, for ever)
            dumps.started(r);
        }
        return up;
    }

    /**
     * May a bare stream be stored, from what its first bytes are? With no handshake nothing
     * else says what it is, and an HTTP probe or a TLS client on the port must not become a
     * "complete" dump. Dumps are: flattened, kdump/ELF, or wrapped by a compressor. No dump is
     * shorter than {@link ContentKind#SNIFF_BYTES}, so a stream that ended sooner is none.
     *
     * @param kind      what the head sniffed as
     * @param headBytes how many bytes were sniffed (fewer than SNIFF_BYTES: the stream ended)
     * @param looksLike what the bytes looked like, for the operator's log
     * @throws RefusedException {@link Refusal#NOT_A_DUMP}, counted and logged once
     */
    public void admitBare(String peer, ContentKind kind, int headBytes, Supplier<String> looksLike)
            throws RefusedException {
        if (kind != ContentKind.PLAIN && headBytes >= ContentKind.SNIFF_BYTES) {
            return;
        }
        String what = looksLike.get();
        LOG.warn("bare stream from {} refused, not a dump: {}", peer, what);
        throw refuse(Refusal.NOT_A_DUMP, "not a dump: " + what, null);
    }

    /** A bare stream on the TCP port (no handshake): filed under the peer's address as the main file. */
    public UploadPump openBare(String peer, Channel channel, Consumer<Throwable> onFailure) {
        UploadPump pump = new UploadPump(this, channel, onFailure);
        pump.open(() -> {
            // a bare stream carries no token: once tokens are configured only the handshake uploads
            authorize(Transport.TCP, peer, null, peer);
            checkDisk();
            DumpRecord r = null;
            try {
                r = catalog.create(peer, Transport.TCP, null);
                r.setDumpFile(MAIN_FILE);
                return r.upload(MAIN_FILE, Transport.TCP);
            } catch (UploadBusyException e) {
                throw e;
            } catch (IOException e) {
                throw notStarted(r, MAIN_FILE, e);
            }
        });
        return pump;
    }

    /**
     * A file a client writes by name into a directory it named (SSH): blocking, on the
     * caller's worker thread. The catalog's naming rules decide the dump's state from what
     * the client does next ({@link DumpRecord#namedFileEnded}, {@link DumpRecord#namedFileRenamed}).
     */
    public FileUpload openNamed(String host, String dir, String file) throws IOException {
        checkDisk();
        DumpRecord r = catalog.register(host, dir, Transport.SSH);
        FileUpload up = r.upload(file, Transport.SSH);
        if (ClientNames.mayBeDump(file)) {
            dumps.started(r); // a full upload running: it counts against the cap until it ends
        }
        return up;
    }

    /**
     * Before a file written by name is opened: completes when it may start, at once for a file
     * that is no dump (a kernel log, a status file), else when the admission policy lets the
     * dump through ({@link DumpAdmission#admitNamed}). Blocking (reads the kernel log sent before).
     */
    public CompletableFuture<Void> admitNamed(String host, String dir, String file, Runnable keepAlive)
            throws IOException {
        if (!ClientNames.mayBeDump(file)) {
            return CompletableFuture.completedFuture(null);
        }
        checkDisk();
        return dumps.admitNamed(catalog.register(host, dir, Transport.SSH), file, keepAlive);
    }

    /** A file written by name ended, whole or not: a dump's full-upload slot is free again. */
    public void namedEnded(FileUpload up) {
        if (ClientNames.mayBeDump(up.name())) {
            dumps.ended(up.record());
        }
    }

    /** The sender sent every file it will send (END): the dump's final state. */
    public CompletableFuture<DumpEnd> endDump(Transport transport, String host, String dumpId, String token, String peer) {
        return onFileThread(() -> {
            authorize(transport, host, token, peer);
            Optional<DumpRecord> rec = dumpId == null ? Optional.empty() : catalog.byClientId(host, dumpId);
            if (rec.isEmpty()) {
                throw refuse(Refusal.UNKNOWN_DUMP, "no dump " + dumpId + " of host " + host, null);
            }
            DumpState s = rec.get().complete();
            return new DumpEnd(rec.get().id(), s.wire(), rec.get().summary().problem());
        });
    }

    /** On the file thread once an upload ended: ends the dump if that was its main file, and words the result. */
    UploadResult result(FileUpload up, Outcome o, Throwable failure) throws IOException {
        if (failure instanceof RefusedException e) {
            return UploadResult.refused(e, null);
        }
        if (failure instanceof UploadBusyException) {
            return UploadResult.refused(refuse(Refusal.BUSY, failure.getMessage(), null), null);
        }
        if (up == null) {
            return UploadResult.storage(failure == null ? "upload did not start" : UploadPump.message(failure));
        }
        DumpRecord r = up.record();
        if (up.name().equals(r.summary().dumpFile())) {
            dumps.ended(r);
        }
        if (failure instanceof ResumeMismatchException) {
            r.fail("resumed stream did not match the committed part");
            ResumePoint rp = r.resumePoint(up.name());
            return UploadResult.refused(refuse(Refusal.RESUME_MISMATCH, failure.getMessage(), rp == null ? 0 : rp.from()),
                    r.id());
        }
        DumpState state = r.fileDone(up.name());
        ResumePoint rp = r.resumePoint(up.name());
        UploadResult.Ending ending = o.complete() ? UploadResult.Ending.COMPLETE
                : DiskLowException.isDiskFull(failure) || DiskLowException.isDiskFull(problemOf(o))
                        ? UploadResult.Ending.DISK_LOW
                : failure instanceof FlattenedFormatException ? UploadResult.Ending.MALFORMED
                : UploadResult.Ending.INCOMPLETE;
        long committed = o.complete() ? o.streamBytes() : rp == null ? 0 : rp.committed();
        long offset = o.complete() ? o.streamBytes() : rp == null ? 0 : rp.from();
        return new UploadResult(ending, null, r.id(), state.wire(), up.name(), o.complete() ? "complete" : "incomplete",
                committed, offset, o.fileSize(), null, o.problem());
    }

    private static Throwable problemOf(Outcome o) {
        return o.problem() == null ? null : new IOException(o.problem());
    }

    /** A refusal, counted; transports use it for what they refuse themselves (a request they cannot parse). */
    public RefusedException refuse(Refusal reason, String message, Long offset) {
        metrics.refused(reason.metric());
        return new RefusedException(reason, message, offset);
    }

    /** The admission policy of dumps (its operator API). */
    public DumpAdmission dumpAdmission() {
        return dumps;
    }

    ExecutorService files() {
        return files;
    }

    IngestBudget budget() {
        return budget;
    }

    /** Null while the spool takes uploads, else why not. */
    public String diskRefusal() {
        return admission.refusal();
    }

    private void authorize(Transport transport, String host, String token, String peer) throws RefusedException {
        if (!admission.mayUpload(host, token)) {
            refusals.refused(transport.label(), peer, token == null || token.isEmpty() ? "no_token" : "bad_token",
                    "host=" + host + ": uploads need the host's token, the fleet upload token or the operator token");
            throw refuse(Refusal.UNAUTHORIZED, "token not valid for host " + host, null);
        }
    }

    private void checkDisk() throws RefusedException {
        String refusal = admission.refusal();
        if (refusal != null) {
            throw refuse(Refusal.DISK_LOW, refusal, null);
        }
    }

    /**
     * A dump this collector does not have, asked about by its sender: being received by
     * another collector (refused, naming it: resume there), or finished there with its files
     * in the object store (this file reported as that dump's, so that a sender whose last
     * answer was lost does not send it again). Empty: a new dump here, unless this collector,
     * cut off from the shared catalog, sends its first ask to another collector (refused).
     */
    private Optional<UploadStatus> fromOtherCollectors(Transport transport, UploadRequest req) throws RefusedException {
        if (req.dumpId() == null) {
            return Optional.empty();
        }
        Optional<OtherCollectors.Elsewhere> found = others.find(req.host(), req.dumpId());
        if (found.isEmpty()) {
            String no = others.refuseNew(req.host(), req.dumpId());
            if (no != null) {
                LOG.info("{} {} dump={} of host={}: refused for now, {}", transport.label(), req.peer(), req.dumpId(),
                        req.host(), no);
                throw refuse(Refusal.CATALOG_DOWN, no, null);
            }
            return Optional.empty();
        }
        OtherCollectors.Elsewhere e = found.get();
        if (e.receiving()) {
            throw elsewhere(transport, req, e);
        }
        Manifest.FileEntry f = e.stored() == null ? null : e.stored().files.get(req.file());
        if (f == null || f.state != DumpState.COMPLETE || e.stored().state != DumpState.COMPLETE) {
            return Optional.empty();
        }
        return Optional.of(new UploadStatus(e.id(), DumpState.COMPLETE.wire(), req.file(), DumpState.COMPLETE.wire(),
                f.streamBytes, f.committedBytes, Map.of()));
    }

    private RefusedException elsewhere(Transport transport, UploadRequest req, OtherCollectors.Elsewhere e) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("node", e.node());
        String server = e.server(transport);
        if (server != null) {
            details.put("server", server);
        }
        details.put("wait", Long.toString(Math.max(1, e.leaseSeconds())));
        metrics.refused(Refusal.ELSEWHERE.metric());
        LOG.info("{} {} dump={} of host={}: being received by collector {} as {}; sent there", transport.label(),
                req.peer(), req.dumpId(), req.host(), e.node(), e.id());
        return new RefusedException(Refusal.ELSEWHERE, "dump " + req.dumpId() + " of " + req.host()
                + " is being received by collector " + e.node() + (server == null ? "" : " (" + server + ")")
                + ", whose lease runs " + Math.max(1, e.leaseSeconds()) + " s more: resume there", null, details);
    }

    private Optional<DumpRecord> find(UploadRequest req) {
        return req.dumpId() == null ? Optional.empty() : catalog.byClientId(req.host(), req.dumpId());
    }

    private interface FileWork<T> {
        T run() throws IOException;
    }

    private <T> CompletableFuture<T> onFileThread(FileWork<T> work) {
        CompletableFuture<T> f = new CompletableFuture<>();
        try {
            files.execute(() -> {
                try {
                    f.complete(work.run());
                } catch (IOException | RuntimeException e) {
                    f.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            f.completeExceptionally(new IOException("file executor saturated or stopped"));
        }
        return f;
    }
}
