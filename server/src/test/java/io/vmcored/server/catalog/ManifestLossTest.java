package io.vmcored.server.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.protocol.flat.DecoderLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Nothing a client sent is lost silently: a dump directory whose manifest is gone or torn is kept, incomplete. */
class ManifestLossTest {

    @TempDir
    Path spool;

    @Test
    void directoriesWithoutReadableManifestAreAdopted() throws Exception {
        Path lost = Files.createDirectories(spool.resolve("web1/2026-11-23-10:00:01"));
        Files.write(lost.resolve("vmcore"), new byte[8192]);
        Files.writeString(lost.resolve("vmcore-dmesg.txt"), "[ 1.0] hello\n");
        Path torn = Files.createDirectories(spool.resolve("web1/2026-11-23-10:05:00"));
        Files.write(torn.resolve("vmcore"), new byte[100]);
        Files.writeString(torn.resolve(ManifestIo.FILE_NAME), "{\"id\": \"web1@2026-");
        Files.createDirectories(spool.resolve("web1/2026-11-23-11:00:00"));

        DumpCatalog cat = DumpCatalog.open(spool, DecoderLimits.DEFAULT);
        assertEquals(2, cat.size(), "two directories with files adopted, the empty one ignored");
        Manifest m = cat.get("web1@2026-11-23-10:00:01").orElseThrow().snapshot();
        assertEquals(DumpState.INCOMPLETE, m.state, "adopted state");
        assertEquals("vmcore", m.dumpFile, "largest file taken as the dump");
        assertEquals(8192, m.files.get("vmcore").fileSize, "file size recorded");
        assertTrue(m.problem.startsWith("manifest missing"), "problem: " + m.problem);
        assertEquals(DumpState.INCOMPLETE, ManifestIo.read(torn).state, "torn manifest replaced");
    }
}
