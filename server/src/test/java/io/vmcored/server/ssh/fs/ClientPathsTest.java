package io.vmcored.server.ssh.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The lexical client-path mapping: every result stays inside the host's area. */
class ClientPathsTest {

    private final ClientPaths paths = new ClientPaths(List.of("/var/crash", "/data/kdump"));

    @Test
    void basePathsAreStripped() {
        SpoolPath p = paths.map("/var/crash/10.0.0.5-2024-05-01-10:11:12/vmcore-incomplete");
        assertEquals("10.0.0.5-2024-05-01-10:11:12", p.dir());
        assertEquals("vmcore-incomplete", p.file());
        assertEquals("d", paths.map("/data/kdump/d/f").dir());
        assertTrue(paths.map("/var/crash").isRoot());
        assertTrue(paths.map("/var/crash/").isRoot());
        assertTrue(paths.map("/var").isRoot(), "parents of a base path are the area");
        assertTrue(paths.map("/").isRoot());
        assertEquals("d", paths.map("d/f").dir(), "relative to the first base path");
        assertEquals("d", paths.map("/d/f").dir(), "other absolute paths start at the area's root");
    }

    @Test
    void dotDotNeverClimbsOut() {
        SpoolPath p = paths.map("/var/crash/../../../../etc/passwd");
        assertEquals("etc", p.dir());
        assertEquals("passwd", p.file());
        assertEquals("x", paths.map("../../../../x/y").dir());
        assertTrue(paths.map("/var/crash/d/../..").isRoot());
        assertNull(paths.map("/var/crash/d/./").file());
    }

    @Test
    void depthNamesAndLengthsAreChecked() {
        for (String bad : List.of("/var/crash/a/b/c", "/var/crash/.ssh/authorized_keys", "/var/crash/d/.hidden",
                "/var/crash/d/manifest.json", "/var/crash/d/a\0b", "", "/var/crash/" + "n".repeat(256) + "/f",
                "/" + "a/".repeat(3000))) {
            assertThrows(IllegalArgumentException.class, () -> paths.map(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> new ClientPaths(List.of("var/crash")));
    }
}
