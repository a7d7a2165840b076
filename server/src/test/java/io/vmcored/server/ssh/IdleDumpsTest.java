package io.vmcored.server.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.protocol.testsupport.Fixtures;
import io.vmcored.server.catalog.DumpState;
import io.vmcored.server.catalog.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One ssh session per command: the dump stays receiving between them, and ends once, or when the client goes quiet. */
class IdleDumpsTest {

    @TempDir
    static Path tmp;
    static SshTestServer server;
    static OpenSsh client;

    @BeforeAll
    static void start() throws Exception {
        // longer than any gap between one test's ssh logins can be on a loaded machine
        server = new SshTestServer(tmp, settle(Duration.ofSeconds(60)));
        client = new OpenSsh(Files.createDirectories(tmp.resolve("client")), "kdump_id_rsa", "rsa", server);
        server.enroll("db01", client.publicKey());
    }

    private static SshOptions settle(Duration settle) {
        return new SshOptions(null, SshOptions.DEFAULT_BASE_PATHS, SshOptions.DEFAULT_CIPHERS, settle);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void sessionsBeforeTheFinalRenameLeaveTheDumpReceiving() throws Exception {
        String d = "/var/crash/10.0.0.7-2026-11-23-12:00:00";
        assertEquals(0, client.ssh("mkdir -p " + d, null).exit());
        assertEquals(0, client.ssh("umask 0077 && dd of='" + d + "/vmcore-dmesg-incomplete.txt'",
                Fixtures.dmesg("kdump-lzo-d31")).exit());
        assertEquals(0, client.ssh("mv " + d + "/vmcore-dmesg-incomplete.txt " + d + "/vmcore-dmesg.txt", null).exit());
        assertEquals(DumpState.RECEIVING, manifest().state, "a kernel log alone does not end the dump");
        assertEquals(0, client.ssh("umask 0077 && dd bs=512 of='" + d + "/vmcore-incomplete'",
                Fixtures.stream("kdump-lzo-d31")).exit());
        assertEquals(DumpState.RECEIVING, manifest().state, "vmcore-incomplete counts only after its mv");
        assertEquals(0, client.ssh("mv '" + d + "/vmcore-incomplete' '" + d + "/vmcore.flat'", null).exit());
        Manifest m = manifest();
        assertEquals(DumpState.COMPLETE, m.state, "ended by the rename; " + m.problem);
        assertEquals(-1, Files.mismatch(Fixtures.oracle("kdump-lzo-d31"), server.spool
                .resolve("db01/10.0.0.7-2026-11-23-12:00:00/vmcore")), "stored dump vs makedumpfile -R");
    }

    @Test
    void aClientThatNeverRenamesEndsIncompleteAfterTheSettleTime() throws Exception {
        // a server of its own with a short settle time: the dump starts with the dd and no login
        // follows it, so the short time cannot end it early, and the test waits 1 s, not 60
        Path dir = Files.createDirectories(tmp.resolve("quick"));
        try (SshTestServer quick = new SshTestServer(dir, settle(Duration.ofSeconds(1)))) {
            OpenSsh c = new OpenSsh(Files.createDirectories(dir.resolve("client")), "kdump_id_rsa", "rsa", quick);
            quick.enroll("db01", c.publicKey());
            String d = "/var/crash/10.0.0.8-2026-11-23-12:00:00";
            assertEquals(0, c.ssh("mkdir -p " + d, null).exit());
            assertEquals(0, c.ssh("umask 0077 && dd bs=512 of='" + d + "/vmcore-incomplete'",
                    Fixtures.stream("kdump-zlib-d31")).exit());
            Manifest m = quick.manifest("db01", "10.0.0.8-2026-11-23-12:00:00");
            for (int i = 0; i < 100 && m.state == DumpState.RECEIVING; i++) {
                Thread.sleep(100);
                m = quick.manifest("db01", "10.0.0.8-2026-11-23-12:00:00");
            }
            assertEquals(DumpState.INCOMPLETE, m.state, "ended by the idle sweep");
            assertTrue(m.problem.contains("the client never renamed vmcore-incomplete"), m.problem);
        }
    }

    private static Manifest manifest() throws Exception {
        return server.manifest("db01", "10.0.0.7-2026-11-23-12:00:00");
    }
}
