package io.vmcored.protocol.dmesg;

import io.vmcored.protocol.memory.KernelMemory;
import io.vmcored.protocol.memory.MissingMemoryException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.TreeMap;

/**
 * Kernel memory built by a test: little-endian regions at chosen addresses, held in whole
 * 4 KiB pages as a dump holds them (bytes around a region on its pages read as zeros);
 * nothing else is mapped.
 */
final class FakeKernelMemory implements KernelMemory {

    private static final int PAGE = 4096;
    private final TreeMap<Long, byte[]> pages = new TreeMap<>();

    /** A view of {@code size} bytes at {@code vaddr}; its pages must not overlap an earlier region's. */
    ByteBuffer region(long vaddr, int size) {
        long start = vaddr & -PAGE;
        int head = (int) (vaddr - start);
        byte[] b = new byte[(head + size + PAGE - 1) / PAGE * PAGE];
        Map.Entry<Long, byte[]> before = pages.floorEntry(start + b.length - 1);
        if (before != null && before.getKey() + before.getValue().length > start) {
            throw new IllegalArgumentException("region at 0x" + Long.toHexString(vaddr) + " shares a page with another");
        }
        pages.put(start, b);
        return ByteBuffer.wrap(b, head, size).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public long toPhysical(long vaddr) {
        return vaddr;
    }

    @Override
    public void read(long vaddr, byte[] dst, int off, int len) throws MissingMemoryException {
        Map.Entry<Long, byte[]> e = pages.floorEntry(vaddr);
        if (e == null || vaddr - e.getKey() + len > e.getValue().length) {
            throw new MissingMemoryException("address 0x" + Long.toHexString(vaddr) + " is not in the dump", vaddr);
        }
        System.arraycopy(e.getValue(), (int) (vaddr - e.getKey()), dst, off, len);
    }
}
