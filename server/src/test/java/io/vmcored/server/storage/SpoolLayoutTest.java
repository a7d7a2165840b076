package io.vmcored.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolLayoutTest {

    private static final LocalDateTime T = LocalDateTime.of(2026, 11, 30, 8, 0, 1);

    @TempDir
    Path spool;

    /** Many dumps of one host in one second: distinct directories, suffixes in order, taken names skipped. */
    @Test
    void sameSecondDumpsGetSuffixesInOrder() throws IOException {
        SpoolLayout layout = new SpoolLayout(spool);
        Files.createDirectories(spool.resolve("web1/2026-11-30-08:00:01.3")); // made by someone else
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            names.add(layout.newDumpDirectory("web1", T).getFileName().toString());
        }
        assertEquals(List.of("2026-11-30-08:00:01", "2026-11-30-08:00:01.1", "2026-11-30-08:00:01.2",
                "2026-11-30-08:00:01.4", "2026-11-30-08:00:01.5", "2026-11-30-08:00:01.6"), names);
        assertEquals("2026-11-30-08:00:02", layout.newDumpDirectory("web1", T.plusSeconds(1)).getFileName().toString(),
                "a new second starts without a suffix");
        assertEquals("2026-11-30-08:00:01", layout.newDumpDirectory("web2", T).getFileName().toString(),
                "another host has its own names");
        // a restarted server (new layout, no memory) still finds the next free name
        assertEquals("2026-11-30-08:00:01.7", new SpoolLayout(spool).newDumpDirectory("web1", T).getFileName().toString());
    }

    @Test
    void concurrentDumpsOfOneHostNeverShareADirectory() throws Exception {
        SpoolLayout layout = new SpoolLayout(spool);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Path>> made = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                made.add(pool.submit(() -> layout.newDumpDirectory("nat", T)));
            }
            Set<Path> dirs = new HashSet<>();
            for (Future<Path> f : made) {
                assertTrue(dirs.add(f.get()), "directory handed out twice");
            }
            assertEquals(200, dirs.size());
            assertTrue(dirs.contains(spool.resolve("nat/2026-11-30-08:00:01.199").toAbsolutePath().normalize()));
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void aThousandDumpsInOneSecondIsTheLimit() throws IOException {
        SpoolLayout layout = new SpoolLayout(spool);
        for (int i = 0; i < 1000; i++) {
            layout.newDumpDirectory("busy", T);
        }
        IOException e = assertThrows(IOException.class, () -> layout.newDumpDirectory("busy", T));
        assertTrue(e.getMessage().contains("1000 dumps in one second"), e.getMessage());
    }
}
