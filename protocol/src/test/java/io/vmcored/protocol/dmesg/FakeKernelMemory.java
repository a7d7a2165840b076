package io.vmcored.protocol.dmesg;

import io.vmcored.protocol.memory.KernelMemory;
import io.vmcored.protocol.memory.MissingMemoryException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.TreeMap;

/** Kernel memory built by a test: little-endian regions at chosen addresses, nothing else mapped. */
final class FakeKernelMemory implements KernelMemory {

    private final TreeMap<Long, byte[]> regions = new TreeMap<>();

    ByteBuffer region(long vaddr, int size) {
        byte[] b = new byte[size];
        regions.put(vaddr, b);
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public long toPhysical(long vaddr) {
        return vaddr;
    }

    @Override
    public void read(long vaddr, byte[] dst, int off, int len) throws MissingMemoryException {
        Map.Entry<Long, byte[]> e = regions.floorEntry(vaddr);
        if (e == null || vaddr - e.getKey() + len > e.getValue().length) {
            throw new MissingMemoryException("address 0x" + Long.toHexString(vaddr) + " is not in the dump", vaddr);
        }
        System.arraycopy(e.getValue(), (int) (vaddr - e.getKey()), dst, off, len);
    }
}
