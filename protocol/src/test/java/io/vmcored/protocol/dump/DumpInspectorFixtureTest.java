package io.vmcored.protocol.dump;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.protocol.testsupport.Fixtures;
import io.vmcored.protocol.vmcoreinfo.VmcoreInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link DumpInspector} on every real fixture (kdump zlib/lzo/none, ELF, their flattened
 * streams, the raw vmcore), checked against what crash, readelf and the makedumpfile
 * options that made each fixture say.
 */
class DumpInspectorFixtureTest {

    static Stream<String> names() {
        return Fixtures.namesForSource();
    }

    /** VMCOREINFO as readelf dumps it from the raw vmcore: the independent reference. */
    private static Map<String, String> readelfVmcoreinfo() throws Exception {
        String notes = RealTool.run("readelf", "-n", Fixtures.vmcore().toString());
        Matcher m = Pattern.compile("VMCOREINFO\\s+\\S+\\s+[^\\n]*\\n\\s+description data: ([0-9a-f ]+)").matcher(notes);
        assertTrue(m.find(), "readelf shows a VMCOREINFO note");
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        for (String h : m.group(1).trim().split(" ")) {
            text.write(Integer.parseInt(h, 16));
        }
        return VmcoreInfo.parse(text.toByteArray()).entries();
    }

    private static String opts(String name) throws IOException {
        return Files.readString(Fixtures.root().resolve("streams").resolve(name + ".opts")).trim();
    }

    @ParameterizedTest
    @MethodSource("names")
    void rearrangedDumpMatchesCrashReadelfAndTheMakedumpfileOptions(String name) throws Exception {
        Path dump = Fixtures.oracle(name);
        DumpInfo info = DumpInspector.inspect(dump);
        String opts = opts(name);
        boolean elf = opts.contains("-E");
        assertEquals(elf ? DumpInfo.Format.ELF : DumpInfo.Format.KDUMP_COMPRESSED, info.format(), "format of " + name);
        assertFalse(info.flattened(), "a rearranged dump is not flattened");
        assertEquals(RealTool.run("crash", "--osrelease", dump.toString()).trim(), info.kernelRelease(),
                "release as crash --osrelease prints it");
        assertEquals(readelfVmcoreinfo(), info.vmcoreinfo(), "VMCOREINFO equals readelf's copy from the vmcore");
        assertEquals(4096, info.pageSize());
        assertEquals("x86_64", info.machine());
        assertFalse(info.incomplete(), "complete dump");
        assertEquals(List.of(), info.problems(), "no problems in a good dump");
        assertEquals(1, info.cpus(), "one CPU guest");
        assertEquals("(none)", info.hostName(), "the guest never set a host name");
        assertTrue(info.kernelVersion().startsWith("#1 SMP"), info.kernelVersion());
        Compression expected = elf ? Compression.NONE : opts.contains("-c") ? Compression.ZLIB
                : opts.contains("-l") ? Compression.LZO : Compression.NONE;
        assertEquals(expected, info.compression(), "compression of " + name + " (" + opts + ")");
        if (!elf) {
            assertEquals(Integer.parseInt(opts.replaceAll(".*-d (\\d+).*", "$1")), info.dumpLevel(), "dump level");
            assertEquals(popcountOfBitmap2(dump), info.storedPages(), "stored pages = set bits of bitmap 2");
        } else {
            assertEquals(ptLoadBytes(dump) / 4096, info.storedPages(), "stored pages = PT_LOAD bytes / page size");
        }
    }

    @ParameterizedTest
    @MethodSource("names")
    void flattenedStreamReadsAsTheDumpItEncodes(String name) throws Exception {
        DumpInfo flat = DumpInspector.inspect(Fixtures.stream(name));
        DumpInfo dump = DumpInspector.inspect(Fixtures.oracle(name));
        assertTrue(flat.flattened(), "flattened");
        assertEquals(Files.size(Fixtures.stream(name)), flat.fileSize(), "file size is the stream's");
        assertEquals(Files.size(Fixtures.oracle(name)), flat.dumpSize(), "dump size = makedumpfile -R output size");
        assertEquals(dump, new DumpInfo(flat.format(), false, dump.fileSize(), flat.dumpSize(), flat.pageSize(),
                flat.compression(), flat.dumpLevel(), flat.hostName(), flat.kernelRelease(), flat.kernelVersion(),
                flat.machine(), flat.crashTime(), flat.incomplete(), flat.storedPages(), flat.cpus(), flat.vmcoreinfo(),
                flat.problems()), "same information as the rearranged dump");
        assertEquals(RealTool.run("crash", "--osrelease", Fixtures.stream(name).toString()).trim(), flat.kernelRelease(),
                "crash reads the flattened file too");
    }

    @ParameterizedTest
    @MethodSource("names")
    void flattenedViewIsByteForByteTheRearrangedDump(String name) throws Exception {
        Path oracle = Fixtures.oracle(name);
        try (FlattenedDumpSource view = FlattenedDumpSource.open(Fixtures.stream(name));
             FileChannel ch = FileChannel.open(oracle)) {
            assertTrue(view.ended(), "end marker");
            assertEquals(ch.size(), view.size());
            ByteBuffer a = ByteBuffer.allocate(1 << 20);
            ByteBuffer b = ByteBuffer.allocate(1 << 20);
            // compare the whole file for small dumps, a spread of 1 MiB windows for large ones
            long step = ch.size() > (200L << 20) ? ch.size() / 50 : a.capacity();
            for (long at = 0; at < ch.size(); at += step) {
                a.clear();
                b.clear();
                ch.read(a, at);
                while (b.position() < a.position() && view.read(at + b.position(), b) > 0) {
                    // fill the same window
                }
                assertEquals(a.flip(), b.flip(), "bytes at " + at + " of " + name);
            }
        }
    }

    @Test
    void rawVmcoreFromProcVmcore() throws Exception {
        Path vmcore = Fixtures.vmcore();
        DumpInfo info = DumpInspector.inspect(vmcore);
        assertEquals(DumpInfo.Format.ELF, info.format());
        assertEquals(RealTool.run("crash", "--osrelease", vmcore.toString()).trim(), info.kernelRelease());
        assertEquals(readelfVmcoreinfo(), info.vmcoreinfo());
        long prstatus = RealTool.run("readelf", "-n", vmcore.toString()).lines().filter(l -> l.contains("NT_PRSTATUS")).count();
        assertEquals((int) prstatus, info.cpus(), "CPUs = NT_PRSTATUS notes");
        assertEquals(ptLoadBytes(vmcore) / 4096, info.storedPages());
        assertEquals("(none)", info.hostName(), "host name read from init_uts_ns in memory");
        assertEquals(List.of(), info.problems());
    }

    /** Popcount of bitmap 2 computed from the raw file with BitSet, not with KdumpFile. */
    static long popcountOfBitmap2(Path dump) throws IOException {
        try (FileChannel ch = FileChannel.open(dump)) {
            ByteBuffer h = ByteBuffer.allocate(464).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(h, 0);
            int bs = h.getInt(428);
            int sub = h.getInt(432);
            int blocks = h.getInt(436);
            ByteBuffer bitmap = ByteBuffer.allocate(blocks * bs / 2);
            ch.read(bitmap, (long) (1 + sub) * bs + (long) blocks * bs / 2);
            return BitSet.valueOf(bitmap.flip()).cardinality();
        }
    }

    /** Sum of PT_LOAD file sizes as readelf -l -W lists them. */
    static long ptLoadBytes(Path elf) throws Exception {
        return RealTool.run("readelf", "-l", "-W", elf.toString()).lines().map(String::trim)
                .filter(l -> l.startsWith("LOAD")).mapToLong(l -> Long.decode(l.split("\\s+")[4])).sum();
    }
}
