package io.vmcored.server.ssh.exec;

import io.vmcored.server.ssh.fs.SpoolPath;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Sending side of the legacy scp protocol ({@code scp -f FILE}), used by {@code kdumpctl status}
 * to fetch {@code vmcore-creation.status}: wait for \0, send {@code C0644 SIZE NAME\n}, wait for \0,
 * send the bytes and \0, wait for the final \0. A missing file is reported as scp does (exit 1).
 */
final class ScpSource implements InputConsumer {

    private final SpoolPath path;
    private final String asGiven;
    private final ExecContext ctx;
    private int acks;
    private int status;
    private boolean done;

    ScpSource(SpoolPath path, String asGiven, ExecContext ctx) {
        this.path = path;
        this.asGiven = asGiven;
        this.ctx = ctx;
    }

    @Override
    public void data(ByteBuffer chunk) throws IOException {
        while (chunk.hasRemaining() && !done) {
            byte b = chunk.get();
            if (b != 0) {
                status = 1; // the client complains; its message follows and is ignored
                done = true;
                return;
            }
            acks++;
            if (acks == 1) {
                sendHeader();
            } else if (acks == 2) {
                sendBody();
            } else {
                done = true;
            }
        }
        chunk.position(chunk.limit());
    }

    private void sendHeader() throws IOException {
        Path f = ctx.area.existingFile(path);
        if (f == null) {
            ctx.out.write(("\1scp: " + asGiven + ": No such file or directory\n").getBytes(StandardCharsets.UTF_8));
            ctx.out.flush();
            status = 1;
            done = true;
            return;
        }
        long size = Files.size(f);
        ctx.out.write(("C0644 " + size + " " + path.file() + "\n").getBytes(StandardCharsets.UTF_8));
        ctx.out.flush();
    }

    private void sendBody() throws IOException {
        Path f = ctx.area.existingFile(path);
        try (InputStream in = Files.newInputStream(f, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            in.transferTo(ctx.out);
        }
        ctx.out.write(0);
        ctx.out.flush();
    }

    @Override
    public int doneStatus() {
        return done ? status : -1;
    }

    @Override
    public int eof() {
        return done ? status : 1;
    }

    @Override
    public void abort(String why) {
        // nothing was written
    }
}
