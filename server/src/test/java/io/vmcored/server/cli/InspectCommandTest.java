package io.vmcored.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmcored.protocol.dmesg.RingCut;
import io.vmcored.protocol.dump.RealTool;
import io.vmcored.protocol.testsupport.Fixtures;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code vmcored inspect} as a process on real dumps, compared with crash and makedumpfile. */
class InspectCommandTest {

    @TempDir
    Path tmp;

    @Test
    void reportOfAFlattenedStream() throws Exception {
        Path flat = Fixtures.stream("kdump-zlib-d31");
        CliProcess.Result r = CliProcess.run(Path.of("/dev/null"), "inspect", flat.toString());
        assertEquals(0, r.exit(), r.stderr());
        String release = RealTool.run("crash", "--osrelease", flat.toString()).trim();
        assertTrue(r.stdout().contains("Kernel release: " + release), r.stdout());
        assertTrue(r.stdout().contains("Format:         flattened kdump-compressed"), r.stdout());
        assertTrue(r.stdout().contains("Compression:    zlib"), r.stdout());
        assertTrue(r.stdout().contains("Dump level:     31"), r.stdout());
        assertTrue(r.stdout().contains("Problems:       none"), r.stdout());
        assertTrue(r.stdout().contains("Crash:          Kernel panic - not syncing: sysrq triggered crash"), r.stdout());
        assertTrue(r.stdout().contains("Faulting func:  sysrq_handle_crash"), r.stdout());
    }

    @Test
    void jsonOfAnLzoDump() throws Exception {
        CliProcess.Result r = CliProcess.run(Path.of("/dev/null"), "inspect", "--json",
                Fixtures.oracle("kdump-lzo-d31").toString());
        assertEquals(0, r.exit(), r.stderr());
        JsonNode j = new ObjectMapper().readTree(r.stdout());
        assertEquals("kdump-compressed", j.get("format").asText());
        assertEquals("lzo", j.get("compression").asText());
        assertEquals(31, j.get("dumpLevel").asInt());
        assertEquals(j.get("kernelRelease").asText(), j.get("vmcoreinfo").get("OSRELEASE").asText());
        assertFalse(j.get("incomplete").asBoolean());
        assertTrue(j.get("storedPages").asLong() > 0);
        assertEquals("sysrq_handle_crash", j.get("crash").get("faultingFunction").asText());
        assertEquals(16, j.get("crash").get("signature").asText().length());
    }

    @ParameterizedTest
    @ValueSource(strings = {"kdump-zlib-d31", "kdump-lzo-d31", "kdump-none-d31", "elf-d31"})
    void dmesgEqualsMakedumpfileDumpDmesg(String name) throws Exception {
        CliProcess.Result r = CliProcess.run(Path.of("/dev/null"), "inspect", "--dmesg", Fixtures.oracle(name).toString());
        assertEquals(0, r.exit(), r.stderr());
        assertEquals(Files.readString(Fixtures.dmesg(name)), r.stdout(), "same log as makedumpfile --dump-dmesg");
        assertEquals("", r.stderr());
    }

    @Test
    void dmesgOfTheRawVmcoreAndOfAFlattenedStream() throws Exception {
        CliProcess.Result r = CliProcess.run(Path.of("/dev/null"), "inspect", "--dmesg", Fixtures.vmcore().toString());
        assertEquals(0, r.exit(), r.stderr());
        Path out = tmp.resolve("makedumpfile.dmesg");
        RealTool.run("makedumpfile", "--dump-dmesg", Fixtures.vmcore().toString(), out.toString());
        assertEquals(Files.readString(out), r.stdout());
        r = CliProcess.run(Path.of("/dev/null"), "inspect", "--dmesg", Fixtures.stream("kdump-lzo-d31").toString());
        assertEquals(0, r.exit(), r.stderr());
        assertEquals(Files.readString(Fixtures.dmesg("kdump-lzo-d31")), r.stdout());
    }

    @Test
    void partlyReadableLogExitsTwoAndSaysWhatIsMissing() throws Exception {
        Path cut = RingCut.cutInsideTextRing(Fixtures.oracle("elf-d31"), tmp.resolve("cut.dump"), 12_000);
        CliProcess.Result r = CliProcess.run(Path.of("/dev/null"), "inspect", "--dmesg", cut.toString());
        assertEquals(InspectCommand.EXIT_PARTIAL_LOG, r.exit(), r.stderr());
        assertTrue(Files.readString(Fixtures.dmesg("elf-d31")).startsWith(r.stdout()), "a prefix of the real log");
        assertTrue(r.stdout().lines().count() > 50, "the readable part is printed");
        assertTrue(r.stderr().contains("not in the dump"), r.stderr());
    }

    @Test
    void unknownDamagedAndMissingFilesFailWithOneLine() throws Exception {
        Path text = Files.writeString(tmp.resolve("notes.txt"), "hello, not a dump\n");
        assertOneLineFailure(text, "unknown file format");
        Path cut = tmp.resolve("cut.dump");
        try (FileChannel in = FileChannel.open(Fixtures.oracle("kdump-zlib-d31"));
             FileChannel out = FileChannel.open(cut, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            in.transferTo(0, 200, out);
        }
        assertOneLineFailure(cut, "truncated");
        assertOneLineFailure(tmp.resolve("absent"), "no such file");
        Path halfKdump = tmp.resolve("half.dump");
        try (FileChannel in = FileChannel.open(Fixtures.oracle("kdump-zlib-d31"));
             FileChannel out = FileChannel.open(halfKdump, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            in.transferTo(0, in.size() / 2, out);
        }
        CliProcess.Result r = CliProcess.run(Path.of("/dev/null"), "inspect", "--dmesg", halfKdump.toString());
        assertEquals(1, r.exit(), "no log at all is a failure");
        assertEquals(1, r.stderr().lines().count(), r.stderr());
        assertTrue(r.stderr().contains("not in the dump"), r.stderr());
    }

    private static void assertOneLineFailure(Path file, String expected) throws Exception {
        CliProcess.Result r = CliProcess.run(Path.of("/dev/null"), "inspect", file.toString());
        assertEquals(1, r.exit(), r.stderr());
        assertEquals("", r.stdout());
        assertEquals(1, r.stderr().lines().count(), "one line: " + r.stderr());
        assertTrue(r.stderr().startsWith("vmcored inspect: ") && r.stderr().contains(expected), r.stderr());
    }
}
