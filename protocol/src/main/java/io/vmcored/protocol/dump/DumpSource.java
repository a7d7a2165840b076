package io.vmcored.protocol.dump;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Random access to the bytes of a dump file, whatever holds them: a plain file, or
 * a flattened stream read in place ({@link FlattenedDumpSource}). Header, VMCOREINFO
 * and page readers only ever see this view, so they work the same on all of them.
 */
public interface DumpSource extends Closeable {

    /**
     * Reads up to {@code dst.remaining()} bytes at {@code offset} of the dump file.
     * Holes read as zeros. Returns the number of bytes read, or -1 at or beyond the end.
     */
    int read(long offset, ByteBuffer dst) throws IOException;

    /** Size of the dump file in bytes. */
    long size() throws IOException;

    /** Human-readable name for messages (usually the path). */
    String name();

    /**
     * Reads exactly {@code length} bytes at {@code offset}, or fails naming {@code what}
     * was being read and how much of it the file holds.
     */
    default ByteBuffer readExactly(long offset, int length, String what) throws IOException {
        if (offset < 0 || length < 0) {
            throw new DumpFormatException(what + ": invalid offset " + offset + " / length " + length);
        }
        if (offset + length > size()) {
            // checked before allocating: a damaged length must not cost memory
            throw new DumpFormatException(what + " at offset " + offset + " needs " + length
                    + " bytes but the file ends at " + size() + " (truncated dump?)");
        }
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            int n = read(offset + buf.position(), buf);
            if (n < 0) {
                throw new DumpFormatException(what + " at offset " + offset + " needs " + length
                        + " bytes but the file ends at " + size() + " (truncated dump?)");
            }
        }
        return buf.flip();
    }
}
