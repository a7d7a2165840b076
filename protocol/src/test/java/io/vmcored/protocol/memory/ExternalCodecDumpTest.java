package io.vmcored.protocol.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.protocol.dmesg.KernelLog;
import io.vmcored.protocol.dump.Compression;
import io.vmcored.protocol.dump.DumpFiles;
import io.vmcored.protocol.dump.DumpInspector;
import io.vmcored.protocol.dump.DumpSource;
import io.vmcored.protocol.dump.ElfCore;
import io.vmcored.protocol.dump.KdumpFile;
import io.vmcored.protocol.dump.KdumpHeader;
import io.vmcored.protocol.testsupport.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * zstd and snappy dumps from the real crash, their pages compressed by the reference
 * implementations (Debian's makedumpfile can write neither): the raw-page fixture
 * {@code kdump-none-d31} recoded the way {@code makedumpfile -z} (zstd level 1, no checksum)
 * and {@code -p} (raw snappy block) store pages. Every page must read as the ELF vmcore's
 * page and the kernel log as makedumpfile's.
 */
class ExternalCodecDumpTest {

    private static final String RAW = "kdump-none-d31";

    @TempDir
    Path tmp;

    @Test
    void zstdPagesFromTheZstdCommand() throws Exception {
        check(KdumpHeader.STATUS_ZSTD, Compression.ZSTD,
                pages -> ExternalCompressor.zstd(pages, tmp, "-1", "--no-check"));
    }

    @Test
    void snappyPagesFromLibsnappy() throws Exception {
        check(KdumpHeader.STATUS_SNAPPY, Compression.SNAPPY, pages -> ExternalCompressor.snappy(pages, tmp));
    }

    private void check(int flag, Compression codec, RecodedKdump.Compressor compressor) throws Exception {
        Path dump = tmp.resolve(codec.label() + ".dump");
        RecodedKdump.Recoded r = RecodedKdump.recode(Fixtures.oracle(RAW), dump, flag, compressor);
        assertTrue(r.compressed() > r.pfns().size() / 2, r.compressed() + " of " + r.pfns().size()
                + " pages stored compressed: the codec is what is being read");
        assertEquals(codec, DumpInspector.inspect(dump).compression(), "compression seen in the descriptors");
        try (DumpSource recoded = DumpFiles.open(dump); DumpSource elf = DumpFiles.open(Fixtures.vmcore())) {
            KdumpMemory pages = new KdumpMemory(KdumpFile.open(recoded));
            ElfMemory vmcore = new ElfMemory(elf, ElfCore.read(elf), 4096);
            byte[] got = new byte[4096];
            byte[] want = new byte[4096];
            int differ = 0;
            long first = -1;
            for (long pfn : r.pfns()) {
                assertTrue(pages.readPage(pfn, got), "pfn " + pfn + " is in the recoded dump");
                assertTrue(vmcore.readPage(pfn, want), "pfn " + pfn + " is in vmcore.elf");
                if (!Arrays.equals(got, want)) {
                    differ++;
                    first = first < 0 ? pfn : first;
                }
            }
            assertEquals(0, differ, "pages differing from vmcore.elf (first: pfn " + first + ")");
        }
        assertEquals(Files.readString(Fixtures.dmesg(RAW)), KernelLog.extract(dump).asString(),
                "the kernel log read through " + codec.label() + " pages equals makedumpfile --dump-dmesg");
    }
}
