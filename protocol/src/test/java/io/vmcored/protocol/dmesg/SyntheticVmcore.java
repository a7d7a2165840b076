package io.vmcored.protocol.dmesg;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A minimal x86_64 ELF vmcore of an older kernel, complete enough for the real
 * {@code makedumpfile --dump-dmesg} (version check through init_uts_ns, 4-level page tables
 * from init_top_pgt, a FLATMEM mem_map) and for {@link KernelLog}:
 *
 * <pre>
 * PT_NOTE  VMCOREINFO
 * PT_LOAD  RAM    phys [0, 1 MiB)          at 0xffff888000000000 (direct map, 1 GiB page)
 * PT_LOAD  image  phys [32 MiB, +1 MiB)    at 0xffffffff81000000 (phys_base 16 MiB, 2 MiB pages)
 * image:   +0x2000 init_uts_ns, +0x3000 mem_map, +0x10000.. page tables; the rest is the test's
 * </pre>
 */
final class SyntheticVmcore {

    static final long IMAGE = 0xffffffff81000000L;
    static final long PAGE_OFFSET = 0xffff888000000000L;
    private static final long PHYS_BASE = 0x1000000;
    private static final long IMAGE_PHYS = 0x2000000;
    private static final int SIZE = 1 << 20;
    private static final int PT = 0x10000;

    final ByteBuffer image = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
    final ByteBuffer ram = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
    private final StringBuilder info = new StringBuilder();

    SyntheticVmcore(String release) {
        String[] uts = {"Linux", "oldhost", release, "#1 SMP Debian", "x86_64", "(none)"};
        for (int i = 0; i < uts.length; i++) {
            image.put(0x2000 + 4 + 65 * i, uts[i].getBytes(StandardCharsets.US_ASCII));
        }
        image.putLong(0x3000, 0xffffea0000000000L); // struct page *mem_map: never read for the log
        image.putLong(PT + 8 * 511, IMAGE_PHYS + PT + 0x1000 | 3);
        image.putLong(PT + 0x1000 + 8 * 510, IMAGE_PHYS + PT + 0x2000 | 3);
        for (int i = 0; i < 512; i++) {
            image.putLong(PT + 0x2000 + 8 * i, PHYS_BASE + i * 0x200000L | 0x83);
        }
        image.putLong(PT + 8 * 273, IMAGE_PHYS + PT + 0x3000 | 3);
        image.putLong(PT + 0x3000, 0x83); // 1 GiB page: phys [0, 1 GiB)
        line("OSRELEASE=" + release).line("PAGESIZE=4096").line("NUMBER(phys_base)=" + PHYS_BASE);
        symbol("init_uts_ns", IMAGE + 0x2000).symbol("init_top_pgt", IMAGE + PT).symbol("mem_map", IMAGE + 0x3000);
        line("SIZE(page)=64").line("OFFSET(page.flags)=0").line("OFFSET(page._refcount)=52").line("OFFSET(page.mapping)=24");
    }

    SyntheticVmcore line(String vmcoreinfoLine) {
        info.append(vmcoreinfoLine).append('\n');
        return this;
    }

    SyntheticVmcore symbol(String name, long vaddr) {
        return line("SYMBOL(" + name + ")=" + Long.toHexString(vaddr));
    }

    Path write(Path file) throws IOException {
        byte[] desc = info.toString().getBytes(StandardCharsets.US_ASCII);
        int noteSize = 12 + 12 + (desc.length + 3) / 4 * 4;
        int phnum = 3;
        long noteOff = 64 + 56L * phnum;
        long ramOff = (noteOff + noteSize + 4095) / 4096 * 4096;
        ByteBuffer h = ByteBuffer.allocate((int) ramOff).order(ByteOrder.LITTLE_ENDIAN);
        h.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0}).position(16);
        h.putShort((short) 4).putShort((short) 62).putInt(1).putLong(0).putLong(64).putLong(0).putInt(0)
                .putShort((short) 64).putShort((short) 56).putShort((short) phnum).putShort((short) 0)
                .putShort((short) 0).putShort((short) 0);
        phdr(h, 4, noteOff, 0, 0, noteSize);
        phdr(h, 1, ramOff, PAGE_OFFSET, 0, SIZE);
        phdr(h, 1, ramOff + SIZE, IMAGE, IMAGE_PHYS, SIZE);
        h.putInt(11).putInt(desc.length).putInt(0).put("VMCOREINFO\0\0".getBytes(StandardCharsets.US_ASCII)).put(desc);
        try (var out = Files.newOutputStream(file)) {
            out.write(h.array());
            out.write(ram.array());
            out.write(image.array());
        }
        return file;
    }

    private static void phdr(ByteBuffer h, int type, long offset, long vaddr, long paddr, long size) {
        h.putInt(type).putInt(type == 1 ? 7 : 0).putLong(offset).putLong(vaddr).putLong(paddr).putLong(size)
                .putLong(size).putLong(type == 1 ? 4096 : 0);
    }
}
