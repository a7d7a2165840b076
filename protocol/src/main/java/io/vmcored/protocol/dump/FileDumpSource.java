package io.vmcored.protocol.dump;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A dump that is a plain file (kdump-compressed or ELF), read with positional reads. */
public final class FileDumpSource implements DumpSource {

    private final FileChannel channel;
    private final String name;

    public FileDumpSource(FileChannel channel, String name) {
        this.channel = channel;
        this.name = name;
    }

    public static FileDumpSource open(Path path) throws IOException {
        return new FileDumpSource(FileChannel.open(path, StandardOpenOption.READ), path.toString());
    }

    @Override
    public int read(long offset, ByteBuffer dst) throws IOException {
        if (!dst.hasRemaining()) {
            return offset >= channel.size() ? -1 : 0;
        }
        return channel.read(dst, offset);
    }

    @Override
    public long size() throws IOException {
        return channel.size();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
