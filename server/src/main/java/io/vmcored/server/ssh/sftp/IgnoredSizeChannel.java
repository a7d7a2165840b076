package io.vmcored.server.ssh.sftp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

/**
 * What an SFTP "set size" (SETSTAT/FSETSTAT with a size) gets: truncation is accepted and ignored,
 * because a rearranged dump's size is not the stream's. Anything else fails.
 */
final class IgnoredSizeChannel implements SeekableByteChannel {

    private boolean open = true;

    @Override
    public int read(ByteBuffer dst) throws IOException {
        throw new IOException("not readable");
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        throw new IOException("open the file with create/truncate to upload it");
    }

    @Override
    public long position() {
        return 0;
    }

    @Override
    public SeekableByteChannel position(long newPosition) {
        return this;
    }

    @Override
    public long size() {
        return 0;
    }

    @Override
    public SeekableByteChannel truncate(long size) {
        return this;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        open = false;
    }
}
