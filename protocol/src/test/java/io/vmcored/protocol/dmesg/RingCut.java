package io.vmcored.protocol.dmesg;

import io.vmcored.protocol.dump.DumpFiles;
import io.vmcored.protocol.dump.DumpSource;
import io.vmcored.protocol.dump.ElfCore;
import io.vmcored.protocol.memory.DumpMemory;
import io.vmcored.protocol.memory.KernelMemory;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Makes an ELF dump whose file ends inside the printk text ring (a partly readable kernel log). */
public final class RingCut {

    private RingCut() {
    }

    /** Copies {@code elfDump} to {@code dst}, cut {@code intoRing} bytes after the text ring's start. */
    public static Path cutInsideTextRing(Path elfDump, Path dst, long intoRing) throws IOException {
        long cut = textRingFileOffset(elfDump) + intoRing;
        try (FileChannel in = FileChannel.open(elfDump);
             FileChannel out = FileChannel.open(dst, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            in.transferTo(0, cut, out);
        }
        return dst;
    }

    /** Where the text ring's first byte lies in an ELF dump, found through the kernel's own pointers. */
    static long textRingFileOffset(Path elfDump) throws IOException {
        try (DumpSource src = DumpFiles.open(elfDump)) {
            DumpMemory dm = DumpMemory.open(src);
            KernelMemory m = dm.memory();
            long prb = m.readLong(dm.vmcoreinfo().symbol("prb").getAsLong());
            long ring = dm.vmcoreinfo().offset("printk_ringbuffer.text_data_ring").getAsLong();
            long data = m.readLong(prb + ring + dm.vmcoreinfo().offset("prb_data_ring.data").getAsLong());
            long phys = m.toPhysical(data);
            for (ElfCore.ProgramHeader h : ElfCore.read(src).loads()) {
                if (phys >= h.paddr() && phys < h.paddr() + h.fileSize()) {
                    return h.offset() + phys - h.paddr();
                }
            }
            throw new IllegalStateException("text ring not in any PT_LOAD of " + elfDump);
        }
    }
}
