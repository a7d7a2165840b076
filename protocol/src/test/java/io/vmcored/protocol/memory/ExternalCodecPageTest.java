package io.vmcored.protocol.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.protocol.dump.Compression;
import io.vmcored.protocol.dump.DumpFiles;
import io.vmcored.protocol.dump.DumpSource;
import io.vmcored.protocol.dump.ElfCore;
import io.vmcored.protocol.testsupport.Fixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PageCodec} on pages of the real vmcore compressed by the zstd command in the
 * frame variants a writer may choose (checksum or not, content size in the header or not,
 * fast or strongest level) and by libsnappy.
 */
class ExternalCodecPageTest {

    @TempDir
    Path tmp;

    /** Every 997th page of the crashed guest's memory: kernel text and data, page tables, free (zero) pages. */
    private static List<byte[]> pages(List<Long> pfns) throws Exception {
        try (DumpSource elf = DumpFiles.open(Fixtures.vmcore())) {
            ElfMemory vmcore = new ElfMemory(elf, ElfCore.read(elf), 4096);
            List<byte[]> pages = new ArrayList<>();
            for (long pfn = 0; pfn < 512L * 256; pfn += 997) {
                byte[] p = new byte[4096];
                if (vmcore.readPage(pfn, p)) {
                    pfns.add(pfn);
                    pages.add(p);
                }
            }
            assertTrue(pages.size() > 100, pages.size() + " pages read");
            return pages;
        }
    }

    private static void assertDecodes(Compression codec, List<Long> pfns, List<byte[]> pages, List<byte[]> packed,
                                      String how) throws Exception {
        assertEquals(pages.size(), packed.size(), how);
        PageCodec pc = new PageCodec();
        for (int i = 0; i < pages.size(); i++) {
            byte[] out = new byte[4096];
            pc.decompress(codec, packed.get(i), packed.get(i).length, out, 4096, pfns.get(i));
            assertArrayEquals(pages.get(i), out, how + ": pfn " + pfns.get(i));
        }
    }

    @Test
    void zstdFramesInEveryVariant() throws Exception {
        List<Long> pfns = new ArrayList<>();
        List<byte[]> pages = pages(pfns);
        String[][] variants = {{"-1", "--no-check"}, {"-3"}, {"-19"}, {"--ultra", "-22", "--no-check"}};
        for (String[] v : variants) {
            Path work = tmp.resolve("zstd" + String.join("", v));
            assertDecodes(Compression.ZSTD, pfns, pages, ExternalCompressor.zstd(pages, work, v), "zstd " + String.join(" ", v));
        }
        // through a pipe the frame header carries no content size; the page size bounds the output
        List<byte[]> piped = new ArrayList<>();
        for (byte[] p : pages.subList(0, 16)) {
            piped.add(ExternalCompressor.zstdFromPipe(p, "-1", "--no-check"));
        }
        assertDecodes(Compression.ZSTD, pfns.subList(0, 16), pages.subList(0, 16), piped, "zstd -c < page");
    }

    @Test
    void snappyBlocksFromLibsnappy() throws Exception {
        List<Long> pfns = new ArrayList<>();
        List<byte[]> pages = pages(pfns);
        assertDecodes(Compression.SNAPPY, pfns, pages, ExternalCompressor.snappy(pages, tmp), "libsnappy");
    }
}
