package io.vmcored.server.ssh.sftp;

import io.vmcored.server.ssh.fs.Upload;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * An SFTP file opened for writing, fed into an {@link Upload} (sniffed, rearranged on the fly).
 * SFTP WRITE requests carry offsets; clients (OpenSSH sftp/scp, lftp) send them in order, so only
 * the next expected offset is accepted. Closing after the client's CLOSE request finishes the
 * upload; any other close (session lost) marks it incomplete.
 */
final class UploadChannel implements SeekableByteChannel {

    private final Upload upload;
    private long position;
    private long received;
    private boolean clientClosed;
    private boolean open = true;

    UploadChannel(Upload upload) {
        this.upload = upload;
    }

    void clientClosed() {
        clientClosed = true;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        if (position != received) {
            throw new IOException("vmcored accepts sequential SFTP writes only: write at offset " + position
                    + ", expected " + received);
        }
        int n = src.remaining();
        upload.feed(src);
        received += n;
        position = received;
        return n;
    }

    @Override
    public int read(ByteBuffer dst) {
        throw new NonWritableChannelException();
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) {
        position = newPosition;
        return this;
    }

    @Override
    public long size() {
        return received;
    }

    @Override
    public SeekableByteChannel truncate(long size) throws IOException {
        if (size != received) {
            throw new IOException("cannot truncate an upload to " + size + " bytes (received " + received + ")");
        }
        return this;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() throws IOException {
        if (!open) {
            return;
        }
        open = false;
        if (clientClosed) {
            String problem = upload.finish();
            if (problem != null) {
                throw new IOException(upload.path().clientPath() + ": " + problem + "; stored, marked incomplete");
            }
        } else {
            upload.abort("sftp session ended before the file was closed");
        }
    }
}
