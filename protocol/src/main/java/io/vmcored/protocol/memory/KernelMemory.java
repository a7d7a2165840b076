package io.vmcored.protocol.memory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The crashed kernel's virtual address space (little-endian 64-bit machines). */
public interface KernelMemory {

    /** Physical address of {@code vaddr}; {@link MissingMemoryException} when unmapped or tables absent. */
    long toPhysical(long vaddr) throws IOException;

    /** Reads {@code len} bytes at {@code vaddr}; {@link MissingMemoryException} when a page is absent. */
    void read(long vaddr, byte[] dst, int off, int len) throws IOException;

    default byte[] read(long vaddr, int len) throws IOException {
        byte[] b = new byte[len];
        read(vaddr, b, 0, len);
        return b;
    }

    default long readLong(long vaddr) throws IOException {
        return ByteBuffer.wrap(read(vaddr, 8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    default int readInt(long vaddr) throws IOException {
        return ByteBuffer.wrap(read(vaddr, 4)).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }
}
