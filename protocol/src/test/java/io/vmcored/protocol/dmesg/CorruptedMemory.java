package io.vmcored.protocol.dmesg;

import io.vmcored.protocol.memory.KernelMemory;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/** Kernel memory read through another one, with chosen bytes replaced: damage without copying a dump. */
final class CorruptedMemory implements KernelMemory {

    private final KernelMemory real;
    private final Map<Long, Byte> changed = new HashMap<>();

    CorruptedMemory(KernelMemory real) {
        this.real = real;
    }

    void put(long vaddr, byte value) {
        changed.put(vaddr, value);
    }

    void putLong(long vaddr, long value) {
        for (int i = 0; i < 8; i++) {
            put(vaddr + i, (byte) (value >>> (8 * i)));
        }
    }

    @Override
    public long toPhysical(long vaddr) throws IOException {
        return real.toPhysical(vaddr);
    }

    @Override
    public void read(long vaddr, byte[] dst, int off, int len) throws IOException {
        real.read(vaddr, dst, off, len);
        for (Map.Entry<Long, Byte> e : changed.entrySet()) {
            long i = e.getKey() - vaddr;
            if (i >= 0 && i < len) {
                dst[off + (int) i] = e.getValue();
            }
        }
    }
}
