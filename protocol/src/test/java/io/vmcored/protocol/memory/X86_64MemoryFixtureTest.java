package io.vmcored.protocol.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vmcored.protocol.dump.DumpFiles;
import io.vmcored.protocol.dump.DumpSource;
import io.vmcored.protocol.testsupport.Fixtures;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Address translation on a real crashed kernel (KASLR on, 4-level paging). */
class X86_64MemoryFixtureTest {

    @Test
    void pageTableWalkAgreesWithTheKernelImageFormulaAndTheDirectMap() throws IOException {
        try (DumpSource src = DumpFiles.open(Fixtures.oracle("kdump-zlib-d31"))) {
            DumpMemory dm = DumpMemory.open(src);
            X86_64Memory m = (X86_64Memory) dm.memory();
            long prbSym = dm.vmcoreinfo().symbol("prb").getAsLong();
            assertEquals(m.toPhysical(prbSym), m.walk(prbSym), "init_top_pgt maps the image where phys_base says");
            // SYMBOL(mem_section) is a direct-map pointer: its offset from physical is page_offset_base
            long memSection = dm.vmcoreinfo().symbol("mem_section").getAsLong();
            long pageOffsetBase = memSection - m.walk(memSection);
            assertEquals(0, pageOffsetBase % (1L << 30), "page_offset_base is 1 GiB aligned (KASLR granularity)");
            long alias = pageOffsetBase + m.toPhysical(prbSym);
            assertArrayEquals(m.read(prbSym, 88), m.read(alias, 88), "same bytes through the direct-map alias");
            assertThrows(MissingMemoryException.class, () -> m.read(0xffffc90000000000L + (1L << 40), 8),
                    "an unmapped vmalloc address is reported, not read as zeros");
        }
    }
}
