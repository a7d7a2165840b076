package io.vmcored.server.ssh.fs;

import io.vmcored.protocol.flat.DecoderLimits;
import io.vmcored.protocol.flat.FlattenedFormatException;
import io.vmcored.protocol.rearrange.ContentKind;
import io.vmcored.protocol.rearrange.StreamReceiver;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * One file being written by a client (dd, cat, scp, SFTP, makedumpfile -R): content is sniffed and
 * a flattened stream rearranged while it arrives ({@link StreamReceiver}). Single-threaded: the
 * transport calls it from one worker at a time. Corrupt input does not throw out of {@link #feed};
 * the rest is discarded and {@link #finish()} reports the problem.
 */
public final class Upload {

    private final HostArea area;
    private final SpoolPath path;
    private final Path file;
    private final FileChannel channel;
    private final StreamReceiver receiver;
    private String problem;
    private boolean announced;
    private boolean ended;

    Upload(HostArea area, SpoolPath path, Path file, FileChannel channel, DecoderLimits limits) {
        this.area = area;
        this.path = path;
        this.file = file;
        this.channel = channel;
        this.receiver = new StreamReceiver(channel, limits);
    }

    public void feed(ByteBuffer data) throws IOException {
        if (problem != null) {
            data.position(data.limit());
            return;
        }
        try {
            receiver.feed(data);
        } catch (FlattenedFormatException e) {
            problem = e.getMessage();
            data.position(data.limit());
        }
        if (!announced && receiver.kind() != null) {
            announced = true;
            area.announce(path, receiver.kind());
        }
    }

    /** EOF from the client. Returns null on success, else the problem (the stored file is marked incomplete). */
    public String finish() throws IOException {
        ended = true;
        StreamReceiver.Outcome outcome;
        try {
            outcome = problem == null ? receiver.finish() : receiver.abort(problem);
        } finally {
            channel.close();
        }
        area.uploadEnded(path, file, outcome, true);
        return outcome.complete() ? null : outcome.problem() == null ? "stream ended before its end marker" : outcome.problem();
    }

    /** The connection broke: keep what arrived, mark the dump incomplete, record it as such. */
    public void abort(String why) {
        if (ended) {
            return;
        }
        ended = true;
        try {
            StreamReceiver.Outcome outcome;
            try {
                outcome = receiver.abort(why);
            } finally {
                channel.close();
            }
            area.uploadEnded(path, file, outcome, false);
        } catch (IOException | RuntimeException e) {
            area.log().warn("host={} file={} outcome=incomplete problem=\"{}\" (marking failed: {})",
                    area.host(), path.clientPath(), why, e.getMessage());
        }
    }

    public ContentKind kind() {
        return receiver.kind();
    }

    public long bytes() {
        return receiver.streamBytes();
    }

    public SpoolPath path() {
        return path;
    }
}
