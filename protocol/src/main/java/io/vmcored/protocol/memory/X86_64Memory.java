package io.vmcored.protocol.memory;

import io.vmcored.protocol.vmcoreinfo.VmcoreInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The crashed x86_64 kernel's virtual memory, read from a dump.
 *
 * <pre>
 * kernel image  [__START_KERNEL_map, + KERNEL_IMAGE_SIZE)  phys = vaddr - 0xffffffff80000000 + phys_base
 * anything else (direct map, vmalloc, vmemmap)             4- or 5-level walk from init_top_pgt
 *   PML5 (if pgtable_l5_enabled) bits 48..56 -> PGD 39..47 -> PUD 30..38 (1 GiB leaf if PS)
 *   -> PMD 21..29 (2 MiB leaf if PS) -> PTE 12..20; entry address bits 12..51
 * </pre>
 * SYMBOL values in VMCOREINFO are run-time addresses (KASLR already applied), so only
 * phys_base is needed for the image; KERNELOFFSET matters for link-time addresses only.
 */
public final class X86_64Memory implements KernelMemory {

    public static final long START_KERNEL_MAP = 0xffffffff80000000L;
    private static final long DEFAULT_IMAGE_SIZE = 1L << 30;
    private static final long ADDR_MASK = 0x000ffffffffff000L;
    private static final long PRESENT = 1;
    private static final long PAGE_SIZE_BIT = 1L << 7;

    private final PageCache cache;
    private final long physBase;
    private final long imageSize;
    private final long topTablePhys;
    private final boolean fiveLevel;

    /**
     * @param physBase physical load delta of the kernel (kdump sub-header or NUMBER(phys_base))
     */
    public X86_64Memory(PhysicalMemory memory, VmcoreInfo info, long physBase) {
        this.cache = new PageCache(memory, 256);
        this.physBase = physBase;
        this.imageSize = info.number("KERNEL_IMAGE_SIZE").orElse(DEFAULT_IMAGE_SIZE);
        long pgt = info.symbol("init_top_pgt").orElse(info.symbol("init_level4_pgt").orElse(0));
        this.topTablePhys = pgt == 0 ? -1 : pgt - START_KERNEL_MAP + physBase;
        this.fiveLevel = info.number("pgtable_l5_enabled").orElse(0) == 1;
    }

    @Override
    public long toPhysical(long vaddr) throws IOException {
        if (Long.compareUnsigned(vaddr, START_KERNEL_MAP) >= 0 && vaddr - START_KERNEL_MAP < imageSize) {
            return vaddr - START_KERNEL_MAP + physBase;
        }
        return walk(vaddr);
    }

    /** Translates through the page tables only (also for kernel-image addresses, which are mapped there too). */
    public long walk(long vaddr) throws IOException {
        if (topTablePhys < 0) {
            throw new MissingMemoryException(String.format(
                    "cannot translate 0x%x: no SYMBOL(init_top_pgt) in VMCOREINFO", vaddr), vaddr);
        }
        long table = topTablePhys & ADDR_MASK;
        int levels = fiveLevel ? 5 : 4;
        for (int level = levels; level >= 1; level--) {
            int shift = 12 + 9 * (level - 1);
            long entry = readEntry(table + ((vaddr >>> shift) & 511) * 8, vaddr);
            if ((entry & PRESENT) == 0) {
                throw new MissingMemoryException(String.format("address 0x%x is not mapped (level-%d entry %x)",
                        vaddr, level, entry), vaddr);
            }
            if (level == 1 || ((level == 2 || level == 3) && (entry & PAGE_SIZE_BIT) != 0)) {
                long leafMask = (1L << shift) - 1;
                return (entry & ADDR_MASK & ~leafMask) | (vaddr & leafMask);
            }
            table = entry & ADDR_MASK;
        }
        throw new IllegalStateException("unreachable");
    }

    @Override
    public void read(long vaddr, byte[] dst, int off, int len) throws IOException {
        int pageSize = cache.pageSize();
        int done = 0;
        while (done < len) {
            long va = vaddr + done;
            long pa = toPhysical(va);
            int inPage = (int) Math.floorMod(pa, (long) pageSize);
            int n = Math.min(len - done, pageSize - inPage);
            byte[] page = cache.page(Math.floorDiv(pa, pageSize));
            if (page == null) {
                throw new MissingMemoryException(String.format(
                        "page of address 0x%x (physical 0x%x) is not in the dump", va, pa), va);
            }
            System.arraycopy(page, inPage, dst, off + done, n);
            done += n;
        }
    }

    private long readEntry(long paddr, long vaddr) throws IOException {
        int pageSize = cache.pageSize();
        byte[] page = cache.page(paddr / pageSize);
        if (page == null) {
            throw new MissingMemoryException(String.format(
                    "page table page 0x%x for address 0x%x is not in the dump", paddr, vaddr), vaddr);
        }
        return ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN).getLong((int) (paddr % pageSize));
    }
}
