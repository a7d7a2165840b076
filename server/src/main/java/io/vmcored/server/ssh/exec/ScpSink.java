package io.vmcored.server.ssh.exec;

import io.vmcored.server.ssh.fs.SpoolPath;
import io.vmcored.server.ssh.fs.Upload;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * Receiving side of the legacy scp protocol ({@code scp -t}):
 * <pre>
 * server: \0                    client: "C0644 SIZE NAME\n"
 * server: \0                    client: SIZE bytes, then \0
 * server: \0 (or \1 message\n)  ... next file, or EOF
 * "T..." (times) lines are acknowledged; "D" (directories) is refused.
 * </pre>
 * File data goes through {@link Upload}, so a flattened stream is rearranged on the fly.
 */
final class ScpSink implements InputConsumer {

    static final int MAX_HEADER = 4096;

    private enum State { HEADER, DATA, END_BYTE, FAILED }

    private final SpoolPath target;
    private final boolean intoDirectory;
    private final ExecContext ctx;
    private final StringBuilder header = new StringBuilder();
    private State state = State.HEADER;
    private Upload upload;
    private long remaining;
    private int status;
    /** A file header waiting for its admission, and that file. */
    private CompletableFuture<Void> turn;
    private SpoolPath waitingFile;
    private long waitingSize;

    ScpSink(SpoolPath target, boolean intoDirectory, ExecContext ctx) {
        this.target = target;
        this.intoDirectory = intoDirectory;
        this.ctx = ctx;
    }

    void begin() throws IOException {
        ack();
    }

    @Override
    public void data(ByteBuffer chunk) throws IOException {
        while (chunk.hasRemaining()) {
            switch (state) {
                case HEADER -> headerByte(chunk.get());
                case DATA -> {
                    int n = (int) Math.min(remaining, chunk.remaining());
                    ByteBuffer part = chunk.slice().limit(n);
                    upload.feed(part);
                    chunk.position(chunk.position() + n);
                    remaining -= n;
                    if (remaining == 0) {
                        state = State.END_BYTE;
                    }
                }
                case END_BYTE -> {
                    chunk.get(); // the client's \0 after the data
                    endOfFile();
                }
                case FAILED -> chunk.position(chunk.limit());
            }
        }
    }

    private void headerByte(byte b) throws IOException {
        if (b != '\n') {
            if (header.length() >= MAX_HEADER) {
                fail("scp header longer than " + MAX_HEADER + " bytes");
                return;
            }
            header.append((char) (b & 0xff));
            return;
        }
        String line = new String(header.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
        header.setLength(0);
        if (line.isEmpty()) {
            fail("empty scp header");
            return;
        }
        switch (line.charAt(0)) {
            case 'C' -> startFile(line);
            case 'T', 'E' -> ack();
            case 'D' -> fail("directories are not supported (copy files into <base>/<dump dir>/)");
            case '\1', '\2' -> status = 1; // the client reports its own error
            default -> fail("unexpected scp header '" + abbreviate(line) + "'");
        }
    }

    private void startFile(String line) throws IOException {
        String[] parts = line.substring(1).split(" ", 3);
        if (parts.length != 3 || !parts[0].matches("[0-7]{4}")) {
            fail("malformed scp file header '" + abbreviate(line) + "'");
            return;
        }
        long size;
        try {
            size = Long.parseLong(parts[1]);
        } catch (NumberFormatException e) {
            fail("scp file size '" + parts[1] + "' is not a number");
            return;
        }
        if (size < 0) {
            fail("negative scp file size " + size);
            return;
        }
        SpoolPath file;
        CompletableFuture<Void> t;
        try {
            file = intoDirectory ? target.child(parts[2]) : target;
            t = ctx.area.admit(file, ctx.keepAlive);
        } catch (IOException | IllegalArgumentException e) {
            fail(e.getMessage());
            return;
        }
        if (!t.isDone()) {
            // held for its turn: the client sends no data before our acknowledgement
            turn = t;
            waitingFile = file;
            waitingSize = size;
            return;
        }
        start(file, size, t);
    }

    /** The file's turn came (or was refused): create it and acknowledge its header. */
    private void start(SpoolPath file, long size, CompletableFuture<Void> t) throws IOException {
        try {
            upload = ctx.area.create(file, t);
        } catch (IOException | IllegalArgumentException e) {
            fail(e.getMessage());
            return;
        }
        remaining = size;
        state = size == 0 ? State.END_BYTE : State.DATA;
        ack();
    }

    @Override
    public CompletableFuture<Void> ready() {
        return turn;
    }

    @Override
    public void resumed() throws IOException {
        if (turn != null) {
            CompletableFuture<Void> t = turn;
            turn = null;
            start(waitingFile, waitingSize, t);
        }
    }

    private void endOfFile() throws IOException {
        Upload done = upload;
        upload = null;
        state = State.HEADER;
        String problem = done.finish();
        if (problem != null) {
            status = 1;
            warn(done.path().clientPath() + ": " + problem + "; stored, marked incomplete");
            return;
        }
        ack();
    }

    @Override
    public int eof() {
        if (upload != null) {
            upload.abort("scp input ended inside a file");
            upload = null;
            return 1;
        }
        return status;
    }

    @Override
    public void abort(String why) {
        if (turn != null) {
            turn.cancel(false); // gone while waiting: out of the line
        }
        if (upload != null) {
            upload.abort(why);
            upload = null;
        }
    }

    private void fail(String message) throws IOException {
        state = State.FAILED;
        status = 1;
        if (upload != null) {
            upload.abort(message);
            upload = null;
        }
        ctx.out.write(("\2scp: " + message + "\n").getBytes(StandardCharsets.UTF_8));
        ctx.out.flush();
    }

    private void warn(String message) throws IOException {
        ctx.out.write(("\1scp: " + message + "\n").getBytes(StandardCharsets.UTF_8));
        ctx.out.flush();
    }

    private void ack() throws IOException {
        ctx.out.write(0);
        ctx.out.flush();
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
