package io.vmcored.protocol.memory;

import io.vmcored.protocol.dump.DumpSource;
import io.vmcored.protocol.dump.ElfCore;
import io.vmcored.protocol.vmcoreinfo.VmcoreInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Physical pages of an ELF vmcore: each PT_LOAD maps {@code [p_paddr, p_paddr + p_memsz)}
 * to file bytes at {@code p_offset}; the part past {@code p_filesz} reads as zeros, and
 * memory no PT_LOAD covers is not in the dump.
 */
public final class ElfMemory implements PhysicalMemory {

    private static final int DEFAULT_PAGE_SIZE = 4096;

    private final DumpSource src;
    private final int pageSize;
    private final ElfCore.ProgramHeader[] loads;
    private final long[] starts;

    public ElfMemory(DumpSource src, ElfCore elf, int pageSize) {
        this.src = src;
        this.pageSize = pageSize;
        List<ElfCore.ProgramHeader> sorted = elf.loads().stream()
                .filter(h -> h.memSize() > 0)
                .sorted(Comparator.comparingLong(ElfCore.ProgramHeader::paddr)).toList();
        this.loads = sorted.toArray(new ElfCore.ProgramHeader[0]);
        this.starts = sorted.stream().mapToLong(ElfCore.ProgramHeader::paddr).toArray();
    }

    /**
     * VMCOREINFO's PAGESIZE when a kernel could have it (a power of two, 1 KiB to 1 MiB), else 4096:
     * pages are allocated and divided by it, so a damaged value must not reach them.
     */
    public static int pageSize(VmcoreInfo info) {
        long p = info.pageSize().orElse(DEFAULT_PAGE_SIZE);
        return p >= 1 << 10 && p <= 1 << 20 && Long.bitCount(p) == 1 ? (int) p : DEFAULT_PAGE_SIZE;
    }

    @Override
    public int pageSize() {
        return pageSize;
    }

    @Override
    public boolean readPage(long pfn, byte[] dst) throws IOException {
        long paddr = pfn * pageSize;
        for (int done = 0; done < pageSize; ) {
            ElfCore.ProgramHeader h = find(paddr + done);
            if (h == null) {
                return false;
            }
            long within = paddr + done - h.paddr();
            int n = (int) Math.min(pageSize - done, h.memSize() - within);
            int fromFile = (int) Math.max(0, Math.min(n, h.fileSize() - within));
            ByteBuffer b = ByteBuffer.wrap(dst, done, fromFile);
            while (b.hasRemaining()) {
                if (src.read(h.offset() + within + (b.position() - done), b) < 0) {
                    return false; // segment data past the end of a truncated file
                }
            }
            Arrays.fill(dst, done + fromFile, done + n, (byte) 0);
            done += n;
        }
        return true;
    }

    private ElfCore.ProgramHeader find(long paddr) {
        int i = Arrays.binarySearch(starts, paddr);
        if (i < 0) {
            i = -i - 2;
        }
        // a raw vmcore's first PT_LOAD (kernel text) overlaps the RAM ones: any covering segment will do
        for (int j = i; j >= 0 && j > i - 16; j--) {
            ElfCore.ProgramHeader h = loads[j];
            if (paddr >= h.paddr() && paddr - h.paddr() < h.memSize()) {
                return h;
            }
        }
        return null;
    }
}
