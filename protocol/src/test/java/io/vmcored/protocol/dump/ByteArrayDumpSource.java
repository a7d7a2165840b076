package io.vmcored.protocol.dump;

import java.nio.ByteBuffer;

/** A dump held in memory (tests: mutated copies of real dumps). */
public final class ByteArrayDumpSource implements DumpSource {

    private final byte[] bytes;

    public ByteArrayDumpSource(byte[] bytes) {
        this.bytes = bytes;
    }

    @Override
    public int read(long offset, ByteBuffer dst) {
        if (offset >= bytes.length) {
            return -1;
        }
        int n = (int) Math.min(dst.remaining(), bytes.length - offset);
        dst.put(bytes, (int) offset, n);
        return n;
    }

    @Override
    public long size() {
        return bytes.length;
    }

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public void close() {
    }
}
