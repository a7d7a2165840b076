package io.vmcored.protocol.dmesg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.protocol.dump.RealTool;
import io.vmcored.protocol.memory.MissingMemoryException;
import io.vmcored.protocol.testsupport.Fixtures;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The kernel log read from every real fixture equals {@code makedumpfile --dump-dmesg} byte for byte. */
class KernelLogFixtureTest {

    @TempDir
    Path tmp;

    static Stream<String> names() {
        return Fixtures.namesForSource();
    }

    @ParameterizedTest
    @MethodSource("names")
    void rearrangedDumpGivesMakedumpfilesLog(String name) throws IOException {
        KernelLogResult log = KernelLog.extract(Fixtures.oracle(name));
        assertEquals(List.of(), log.problems(), "whole log read");
        assertEquals("lockless", log.format(), "Debian 6.1 uses the lockless ring");
        assertEquals(Files.readString(Fixtures.dmesg(name)), log.asString(), "identical to makedumpfile --dump-dmesg");
    }

    @ParameterizedTest
    @MethodSource("names")
    void flattenedStreamGivesTheSameLogWithoutRearranging(String name) throws IOException {
        KernelLogResult log = KernelLog.extract(Fixtures.stream(name));
        assertArrayEquals(Files.readAllBytes(Fixtures.dmesg(name)), log.text());
    }

    @Test
    void rawVmcoreAgainstALiveMakedumpfileRun() throws Exception {
        Path out = tmp.resolve("dmesg.txt");
        RealTool.run("makedumpfile", "--dump-dmesg", Fixtures.vmcore().toString(), out.toString());
        KernelLogResult log = KernelLog.extract(Fixtures.vmcore());
        assertArrayEquals(Files.readAllBytes(out), log.text(), "identical to makedumpfile --dump-dmesg run now");
        assertEquals(Files.readString(out).lines().count(), log.records(), "one line per record (no multi-line records here)");
    }

    @Test
    void dumpCutInsideTheTextRingKeepsTheRecordsBeforeTheCut() throws Exception {
        Path dump = Fixtures.oracle("elf-d31");
        Path damaged = RingCut.cutInsideTextRing(dump, tmp.resolve("ring-cut.dump"), 12_000);
        KernelLogResult log = KernelLog.extract(damaged);
        assertTrue(log.problems().stream().anyMatch(p -> p.contains("text data")), "missing ring pages reported: "
                + log.problems());
        assertTrue(log.problems().stream().anyMatch(p -> p.contains("records skipped")), log.problems().toString());
        List<String> full = Files.readAllLines(Fixtures.dmesg("elf-d31"));
        List<String> got = log.asString().lines().toList();
        assertTrue(got.size() > 50 && got.size() < full.size(), "a part of the log: " + got.size() + " of " + full.size());
        assertEquals(full.subList(0, got.size()), got, "the records read are exactly the first ones of the real log");
    }

    @Test
    void dumpCutBeforeTheRingSaysWhichMemoryIsMissing() throws Exception {
        Path dump = Fixtures.oracle("kdump-zlib-d31");
        Path damaged = copyPrefix(dump, Files.size(dump) / 2);
        MissingMemoryException e = assertThrows(MissingMemoryException.class, () -> KernelLog.extract(damaged));
        assertTrue(e.getMessage().contains("not in the dump"), e.getMessage());
    }

    private Path copyPrefix(Path src, long length) throws IOException {
        Path dst = tmp.resolve("cut-" + src.getFileName());
        try (InputStream in = Files.newInputStream(src); OutputStream out = Files.newOutputStream(dst)) {
            byte[] buf = new byte[1 << 16];
            long left = length;
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                out.write(buf, 0, n);
                left -= n;
            }
        }
        return dst;
    }
}
