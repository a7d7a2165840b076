package io.vmcored.server.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.protocol.testsupport.Requirements;
import io.vmcored.server.storage.LinuxFileCalls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestIoTest {

    @TempDir
    Path dir;

    @Test
    void everyWriteIsReadBackWhole() throws Exception {
        Manifest m = manifest();
        for (int i = 0; i < 5; i++) {
            m.problem = "x".repeat(500 - 100 * i); // shrinking: a rewritten temp file must not keep old bytes
            ManifestIo.write(dir, m, false);
            assertEquals(m.problem, ManifestIo.read(dir).problem, "write " + i);
        }
        m.state = DumpState.COMPLETE;
        m.problem = null;
        ManifestIo.write(dir, m, true);
        Manifest back = ManifestIo.read(dir);
        assertEquals(DumpState.COMPLETE, back.state, "durable write");
        assertNull(back.problem, "durable write");
        try (var files = Files.list(dir)) {
            assertEquals(Set.of(), files.map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals(ManifestIo.FILE_NAME) && !n.startsWith("."))
                    .collect(Collectors.toSet()), "no other visible file");
        }
    }

    @Test
    void intermediateWritesReuseTwoInodesInsteadOfTakingNewOnes() throws Exception {
        Requirements.require(swapsFiles(), "renameat2 RENAME_EXCHANGE (Linux, JNA and a file system that has it)");
        Manifest m = manifest();
        ManifestIo.write(dir, m, false);
        ManifestIo.write(dir, m, false);
        Path tmp = dir.resolve(".manifest.json.tmp");
        assertTrue(Files.exists(tmp), "the second write swapped the temp file in and kept the first version");
        Set<Object> inodes = Set.of(inode(dir.resolve(ManifestIo.FILE_NAME)), inode(tmp));
        for (int i = 0; i < 5; i++) {
            m.problem = "write " + i;
            ManifestIo.write(dir, m, false);
            assertEquals(m.problem, ManifestIo.read(dir).problem);
            assertEquals(inodes, Set.of(inode(dir.resolve(ManifestIo.FILE_NAME)), inode(tmp)),
                    "write " + i + " swapped the same two files");
        }
        m.state = DumpState.COMPLETE;
        ManifestIo.write(dir, m, true);
        assertEquals(DumpState.COMPLETE, ManifestIo.read(dir).state, "durable write");
        assertEquals(inodes, Set.of(inode(dir.resolve(ManifestIo.FILE_NAME)), inode(tmp)),
                "the durable write swapped them too and freed no inode");
    }

    private boolean swapsFiles() throws Exception {
        if (!LinuxFileCalls.available()) {
            return false;
        }
        Path a = Files.writeString(dir.resolve("a"), "a");
        Path b = Files.writeString(dir.resolve("b"), "b");
        boolean swapped = LinuxFileCalls.renameat2(LinuxFileCalls.AT_FDCWD, a.toString(), LinuxFileCalls.AT_FDCWD,
                b.toString(), LinuxFileCalls.RENAME_EXCHANGE) == 0 && Files.readString(a).equals("b");
        Files.delete(a);
        Files.delete(b);
        return swapped;
    }

    private static Object inode(Path p) throws Exception {
        return Files.getAttribute(p, "unix:ino");
    }

    private static Manifest manifest() {
        Manifest m = new Manifest();
        m.id = "web1@2026-11-30-10:00:00";
        m.host = "web1";
        m.state = DumpState.RECEIVING;
        return m;
    }
}
