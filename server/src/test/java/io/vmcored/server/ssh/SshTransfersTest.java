package io.vmcored.server.ssh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.protocol.rearrange.IncompleteMarker;
import io.vmcored.protocol.testsupport.Fixtures;
import io.vmcored.server.catalog.DumpState;
import io.vmcored.server.catalog.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** scp (both protocols), sftp, raw ELF uploads and a connection killed in the middle of a dump. */
class SshTransfersTest {

    @TempDir
    static Path tmp;
    static SshTestServer server;
    static OpenSsh client;

    @BeforeAll
    static void start() throws Exception {
        server = new SshTestServer(tmp, SshOptions.defaults());
        client = new OpenSsh(Files.createDirectories(tmp.resolve("client")), "id_ecdsa", "ecdsa", server);
        server.enroll("web01", client.publicKey());
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void scpUploadOfAFlattenedStreamIsRearrangedInBothProtocols() throws Exception {
        Path flat = Fixtures.stream("kdump-zlib-d31");
        byte[] oracle = Files.readAllBytes(Fixtures.oracle("kdump-zlib-d31"));
        ok(client.scp(List.of("-O"), flat.toString(), "root@127.0.0.1:/var/crash/scp-legacy/vmcore"));
        ok(client.scp(List.of(), flat.toString(), "root@127.0.0.1:/var/crash/scp-sftp/vmcore"));
        assertArrayEquals(oracle, Files.readAllBytes(server.spool.resolve("web01/scp-legacy/vmcore")));
        assertArrayEquals(oracle, Files.readAllBytes(server.spool.resolve("web01/scp-sftp/vmcore")));
        Path back = tmp.resolve("back");
        ok(client.scp(List.of(), "root@127.0.0.1:/var/crash/scp-sftp/vmcore", back.toString()));
        assertArrayEquals(oracle, Files.readAllBytes(back), "download returns the stored dump");
    }

    @Test
    void rawElfVmcoreIsStoredAsSentAndCompletedByMv() throws Exception {
        Path elf = Fixtures.oracle("elf-d31"); // an ELF vmcore, as scp of /proc/vmcore sends it
        ok(client.ssh("mkdir -p /var/crash/elf-1", null));
        ok(client.scp(List.of("-O"), elf.toString(), "root@127.0.0.1:/var/crash/elf-1/vmcore-incomplete"));
        ok(client.ssh("mv /var/crash/elf-1/vmcore-incomplete /var/crash/elf-1/vmcore", null));
        assertEquals(-1, Files.mismatch(elf, server.spool.resolve("web01/elf-1/vmcore")), "ELF stored byte for byte");
        Manifest m = server.manifest("web01", "elf-1");
        assertEquals("ELF", m.files.get("vmcore").contentKind);
        assertEquals(DumpState.COMPLETE, m.state, m.problem);
    }

    @Test
    void sftpBatchUploadRenameAndDownload() throws Exception {
        Path flat = Fixtures.stream("kdump-lzo-d31");
        byte[] oracle = Files.readAllBytes(Fixtures.oracle("kdump-lzo-d31"));
        Path got = tmp.resolve("sftp-got");
        OpenSsh.Result r = client.sftpBatch(String.join("\n",
                "mkdir /var/crash/sftp-1",
                "cd /var/crash/sftp-1",
                "put " + flat + " vmcore-incomplete",
                "rename vmcore-incomplete vmcore.flat",
                "ls -l",
                "get vmcore.flat " + got,
                "") + "\n");
        ok(r);
        assertArrayEquals(oracle, Files.readAllBytes(server.spool.resolve("web01/sftp-1/vmcore")));
        assertArrayEquals(oracle, Files.readAllBytes(got));
        assertEquals(DumpState.COMPLETE, server.manifest("web01", "sftp-1").state);
        OpenSsh.Result rm = client.sftpBatch("rm /var/crash/sftp-1/vmcore\n");
        assertNotEquals(0, rm.exit(), "deleting is refused: " + rm);
        assertTrue(Files.exists(server.spool.resolve("web01/sftp-1/vmcore")));
    }

    @Test
    void connectionKilledMidStreamLeavesTheDumpMarkedIncomplete() throws Exception {
        Path flat = Fixtures.stream("kdump-none-d31");
        Process ssh = client.sshProcess("umask 0077 && dd bs=512 of='/var/crash/killed-1/vmcore-incomplete'");
        long half = Files.size(flat) / 2;
        try (InputStream in = Files.newInputStream(flat); OutputStream out = ssh.getOutputStream()) {
            byte[] buf = new byte[64 * 1024];
            long sent = 0;
            while (sent < half) {
                int n = in.read(buf);
                out.write(buf, 0, n);
                sent += n;
            }
            out.flush();
            Path file = server.spool.resolve("web01/killed-1/vmcore-incomplete");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while ((!Files.exists(file) || Files.size(file) < 1 << 20) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            ssh.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            assertTrue(Files.exists(file) && Files.size(file) >= 1 << 20, "1 MiB of the stream stored before the kill");
        } catch (IOException broken) {
            // the pipe broke because the process died: expected
        }
        Manifest m = awaitFinished("killed-1");
        assertEquals(DumpState.INCOMPLETE, m.state, "a dropped connection is recorded incomplete");
        assertEquals(DumpState.INCOMPLETE, m.files.get("vmcore-incomplete").state);
        try (FileChannel ch = FileChannel.open(server.spool.resolve("web01/killed-1/vmcore-incomplete"))) {
            ByteBuffer status = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(status, IncompleteMarker.KDUMP_STATUS_OFFSET);
            assertEquals(IncompleteMarker.KDUMP_INCOMPLETE, status.getInt(0) & IncompleteMarker.KDUMP_INCOMPLETE,
                    "kdump header status carries the incomplete flag");
        }
        // the client never got to mv: nothing named vmcore exists
        assertFalse(Files.exists(server.spool.resolve("web01/killed-1/vmcore")));
    }

    @Test
    void truncatedStreamFollowedByMvIsIncomplete() throws Exception {
        Path flat = Fixtures.stream("kdump-zlib-d31");
        Path cut = tmp.resolve("cut.flat");
        try (FileChannel in = FileChannel.open(flat); FileChannel out = FileChannel.open(cut,
                StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            in.transferTo(0, Files.size(flat) - 100_000, out);
        }
        OpenSsh.Result dd = client.ssh("dd of=/var/crash/cut-1/vmcore-incomplete", cut);
        assertEquals(1, dd.exit(), "a flattened stream without its end marker fails: " + dd);
        ok(client.ssh("mv /var/crash/cut-1/vmcore-incomplete /var/crash/cut-1/vmcore.flat", null));
        Manifest m = server.manifest("web01", "cut-1");
        assertEquals(DumpState.INCOMPLETE, m.state, "no end marker: incomplete even after mv");
        assertEquals("vmcore", m.dumpFile);
    }

    /** The connection drop is noticed asynchronously: wait (bounded) for the dump to leave "receiving". */
    static Manifest awaitFinished(String dir) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            var r = server.catalog.get("web01@" + dir);
            if (r.isPresent() && r.get().state().finished() && !r.get().inFlight()) {
                return r.get().snapshot();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("dump web01@" + dir + " still receiving after 30 s");
    }

    static void ok(OpenSsh.Result r) {
        assertEquals(0, r.exit(), "expected exit 0: " + r);
    }
}
