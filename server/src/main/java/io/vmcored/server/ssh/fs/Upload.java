package io.vmcored.server.ssh.fs;

import io.vmcored.protocol.flat.FlattenedFormatException;
import io.vmcored.protocol.rearrange.StreamReceiver.Outcome;
import io.vmcored.server.catalog.DumpRecord;
import io.vmcored.server.catalog.FileUpload;
import io.vmcored.server.ingest.UploadPump;
import io.vmcored.server.storage.DiskLowException;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One file being written by a client (dd, cat, scp, SFTP, makedumpfile -R) into its dump's
 * catalog record: content is sniffed and a flattened stream rearranged while it arrives.
 * Single-threaded: the transport calls it from one worker at a time. Corrupt input does not
 * throw out of {@link #feed}; the rest is discarded and {@link #finish()} reports the problem.
 */
public final class Upload {

    private static final Logger LOG = LoggerFactory.getLogger(Upload.class);

    private final HostArea area;
    private final SpoolPath path;
    private final DumpRecord record;
    private final FileUpload upload;
    private String problem;
    private boolean ended;
    private long sinceDiskCheck;

    Upload(HostArea area, SpoolPath path, FileUpload upload) {
        this.area = area;
        this.path = path;
        this.record = upload.record();
        this.upload = upload;
    }

    public void feed(ByteBuffer data) throws IOException {
        if (problem != null) {
            data.position(data.limit());
            return;
        }
        int n = data.remaining();
        try {
            upload.feed(data);
        } catch (FlattenedFormatException e) {
            problem = e.getMessage();
            data.position(data.limit());
        }
        // a running upload stops at the watermark as over TCP and HTTP, not only at ENOSPC
        sinceDiskCheck += n;
        if (sinceDiskCheck >= UploadPump.DISK_CHECK_BYTES) {
            sinceDiskCheck = 0;
            String refusal = area.diskRefusal();
            if (refusal != null) {
                throw new DiskLowException(refusal + "; upload stopped");
            }
        }
    }

    /** EOF from the client. Returns null on success, else the problem (the stored file is then marked incomplete). */
    public String finish() throws IOException {
        ended = true;
        Outcome outcome;
        try {
            outcome = problem == null ? upload.finish() : upload.abort(problem);
            record.namedFileEnded(upload.name(), outcome, true);
        } finally {
            area.ended(upload);
        }
        return outcome.complete() ? null : outcome.problem() == null ? "stream ended before its end marker" : outcome.problem();
    }

    /** The connection broke: keep what arrived, mark the dump incomplete, record it as such. */
    public void abort(String why) {
        if (ended) {
            return;
        }
        ended = true;
        try {
            Outcome outcome = upload.abort(why);
            record.namedFileEnded(upload.name(), outcome, false);
        } catch (IOException | RuntimeException e) {
            LOG.warn("host={} dump={} file={} outcome=incomplete problem=\"{}\" (recording failed: {})",
                    area.host(), record.id(), path.file(), why, e.getMessage());
        } finally {
            area.ended(upload);
        }
    }

    public long bytes() {
        return upload.streamBytes();
    }

    public SpoolPath path() {
        return path;
    }
}
