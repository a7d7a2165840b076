package io.vmcored.server.catalog;

import io.vmcored.protocol.rearrange.StreamReceiver.Outcome;
import io.vmcored.server.storage.ResumePoint;
import io.vmcored.server.storage.StoredExtent;
import io.vmcored.server.storage.UploadWriter;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One file being uploaded into a {@link DumpRecord}: the transports' whole storage API.
 * Blocking: call from the file executor (or an SSH worker thread), never an event loop.
 * Exactly one of {@link #finish()} / {@link #abort(String)} ends it; both record the
 * outcome in the manifest and the metrics, and close the file.
 */
public final class FileUpload {

    /** Checkpoint the manifest (committed offset, resume hash) at most this often. */
    private static final long CHECKPOINT_MILLIS = 5_000;

    private final DumpRecord record;
    private String name;
    private final Transport transport;
    private final UploadWriter writer;
    private final UploadObserver observer;
    private final long startNanos = System.nanoTime();
    private final long startMillis = System.currentTimeMillis();
    /** Stream offset this upload started at: 0, or the resume point. */
    private final long from;
    /** Stream bytes fed so far (written by the upload's thread, read by watchers). */
    private volatile long fed;
    /** Stream bytes the sender announced in all (an HTTP Content-Length plus the offset), or -1. */
    private volatile long expected = -1;
    private long lastCheckpoint = System.currentTimeMillis();
    private boolean ended;
    private volatile Runnable stopper;

    FileUpload(DumpRecord record, String name, Transport transport, UploadWriter writer, UploadObserver observer) {
        this.record = record;
        this.name = name;
        this.transport = transport;
        this.writer = writer;
        this.observer = observer;
        this.from = writer.streamBytes();
    }

    public void feed(ByteBuffer buf) throws IOException {
        int n = buf.remaining();
        writer.feed(buf);
        fed += n; // one writer thread at a time: the pump's serial executor
        observer.bytes(transport, n);
        long now = System.currentTimeMillis();
        if (now - lastCheckpoint >= CHECKPOINT_MILLIS) {
            lastCheckpoint = now;
            // the sync thread forces the data below it to disk first: the upload goes on meanwhile
            record.durability().checkpointLater(name, writer);
        }
    }

    /** Stream bytes committed so far (what a resumed sender may skip). */
    public long committed() {
        return writer.committed();
    }

    public long streamBytes() {
        return writer.streamBytes();
    }

    public ResumePoint resumePoint() {
        return writer.resumePoint();
    }

    /** Stream position reached: where it started plus what was fed since (for progress displays). */
    public long position() {
        return from + fed;
    }

    /** Where this upload started in the stream (the resume offset, or 0). */
    public long from() {
        return from;
    }

    /** The stream's whole length if the sender told it, else -1. */
    public long expected() {
        return expected;
    }

    /** The sender announced the stream's whole length (e.g. HTTP Content-Length plus offset). */
    public void expect(long bytes) {
        expected = bytes;
    }

    public Transport transport() {
        return transport;
    }

    /** Wall-clock time this upload opened, epoch millis. */
    public long startedMillis() {
        return startMillis;
    }

    /** The file's name in the dump: as the sender gave it, until a compressor's suffix was dropped at its end. */
    public String name() {
        return name;
    }

    public DumpRecord record() {
        return record;
    }

    /**
     * What to do when a newer connection wants this file (see {@link FileClaims}): the
     * transport ends this upload, e.g. by closing its connection. Runs on the newer one's thread.
     */
    public void onStop(Runnable r) {
        stopper = r;
    }

    void stop() {
        Runnable r = stopper;
        if (r != null) {
            r.run();
        }
    }

    public Outcome finish() throws IOException {
        return end(null);
    }

    /** The stream broke ({@code problem} says how): keeps what arrived, marked incomplete. */
    public Outcome abort(String problem) throws IOException {
        return end(problem == null ? "aborted" : problem);
    }

    private Outcome end(String problem) throws IOException {
        if (ended) {
            throw new IllegalStateException("upload of " + name + " in " + record.id() + " already ended");
        }
        ended = true;
        Outcome o;
        StoredExtent extent = null;
        ResumePoint point = writer.resumePoint();
        try {
            o = problem == null ? writer.finish() : writer.abort(problem);
            if (!o.complete() && point != null) {
                // a resume point counts only with the data below it on disk
                extent = StoredExtent.record(record.fileFor(name), writer.fileSize());
            }
        } catch (IOException | RuntimeException e) {
            // e.g. the disk filled up while finishing: still record what is there, never lose it silently
            String why = (problem == null ? "" : problem + "; ") + "storing failed: " + e.getMessage();
            o = new Outcome(writer.kind(), false, writer.streamBytes(), -1, null, why);
        } finally {
            try {
                writer.close();
            } catch (IOException e) {
                // closing a file we already tried to force: nothing more to save
            }
        }
        String unwrapped = ClientNames.withoutWrapperSuffix(name, writer.wrapper());
        if (unwrapped != null) {
            record.renameFile(name, unwrapped); // what is stored is no longer what the suffix says
            name = unwrapped;
        }
        long millis = (System.nanoTime() - startNanos) / 1_000_000;
        DumpState state;
        try {
            state = record.fileEnded(name, o, writer.wrapper(), point, extent, millis);
        } finally {
            record.uploadEnded(this);
        }
        observer.finished(transport, state, o, millis);
        return o;
    }
}
