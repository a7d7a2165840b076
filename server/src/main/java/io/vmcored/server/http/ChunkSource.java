package io.vmcored.server.http;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;

/**
 * Where {@link FileStreamer} reads a download's body from, one chunk at a time and in order:
 * a spool file (positional reads) or a stream from the object store (already positioned at the
 * range's start). Read on file threads only.
 */
interface ChunkSource {

    /** Appends up to {@code n} bytes, those at {@code position} of the file, to {@code buf}; -1 at the end. */
    int read(ByteBuf buf, long position, int n) throws IOException;

    /** Quietly: the body was read-only. */
    void close();

    static ChunkSource of(FileChannel file) {
        return new ChunkSource() {
            @Override
            public int read(ByteBuf buf, long position, int n) throws IOException {
                return buf.writeBytes(file, position, n);
            }

            @Override
            public void close() {
                try {
                    file.close();
                } catch (IOException e) {
                    // read-only: nothing was lost
                }
            }
        };
    }

    /** A stream that starts at the first byte the response sends; positions are then implied by the order. */
    static ChunkSource of(InputStream in) {
        return new ChunkSource() {
            @Override
            public int read(ByteBuf buf, long position, int n) throws IOException {
                return buf.writeBytes(in, n);
            }

            @Override
            public void close() {
                try {
                    in.close();
                } catch (IOException e) {
                    // read-only: nothing was lost
                }
            }
        };
    }
}
