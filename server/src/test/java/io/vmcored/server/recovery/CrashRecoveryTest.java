package io.vmcored.server.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmcored.protocol.testsupport.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server process is SIGKILLed while a TCP handshake upload, an HTTP upload and a RHEL-style
 * SSH {@code dd} are streaming, and started again on the same spool and state: the cut dumps
 * are recovered as incomplete (the "receiving" manifests at start, DumpCatalog), nothing
 * already stored is lost, and the resumable uploads resume and end byte-identical to
 * makedumpfile -R.
 */
class CrashRecoveryTest {

    static final String NAME = "kdump-zlib-d31";
    /**
     * Slow enough that the 5 s checkpoints (also of the SSH upload, which connects last) come
     * long before the end of the 16.6 MB stream.
     */
    static final long RATE = 800_000;
    static final String DUMP_PROBLEM = "server stopped while the dump was being received";
    static final String FILE_PROBLEM = "server stopped while the file was being received";
    private static final Pattern RECOVERED = Pattern.compile(
            "catalog rebuilt from .*: (\\d+) dumps in \\d+ ms, (\\d+) were receiving and are now incomplete");

    @TempDir
    Path tmp;

    @Test
    void serverKilledDuringUploadsOnEveryTransportRecoversThemAndTheResumableOnesComplete() throws Exception {
        Path flat = Fixtures.stream(NAME);
        Path oracle = Fixtures.oracle(NAME);
        Path dmesg = Fixtures.dmesg(NAME);
        long size = Files.size(flat);
        Spool spool = new Spool(tmp.resolve("spool"));
        SshClient ssh = new SshClient(tmp.resolve("client"), tmp.resolve("state"), "web03");
        String d = "/var/crash/127.0.0.1-2026-12-07-10:11:12";
        Path sshDir = tmp.resolve("spool/web03/127.0.0.1-2026-12-07-10:11:12");
        Path tcpDir;
        Path httpDir;
        byte[] sshStored;
        try (ServerProcess s = ServerProcess.start(tmp, true, "spool.min-free=1M")) {
            ssh.trust(tmp.resolve("state"));
            int sshPort = s.port("ssh");
            // RHEL's kdump.sh: the dump directory, the kernel log (dd + mv), then the dump itself
            ok(ssh.run(sshPort, "mkdir -p " + d, null));
            ok(ssh.run(sshPort, "umask 0077 && dd of='" + d + "/vmcore-dmesg-incomplete.txt'", dmesg));
            ok(ssh.run(sshPort, "mv " + d + "/vmcore-dmesg-incomplete.txt " + d + "/vmcore-dmesg.txt", null));

            try (Client tcp = Client.piped(Senders.nc(s.port("tcp")));
                 Client http = Client.piped(Senders.curlPut(s.port("http"), "web02", "boot-2"));
                 Client dd = Client.piped(ssh.ssh(sshPort, "umask 0077 && dd bs=512 of='" + d + "/vmcore-incomplete'"))) {
                SlowFeed tcpFeed = new SlowFeed(tcp.stdin(),
                        Senders.ascii("VMCORED/1 " + Senders.putLine("web01", "boot-1", 0) + "\n"), flat, RATE);
                SlowFeed httpFeed = new SlowFeed(http.stdin(), new byte[0], flat, RATE);
                SlowFeed sshFeed = new SlowFeed(dd.stdin(), new byte[0], flat, RATE);
                // kill only once each upload has a resume checkpoint on disk (written every 5 s)
                Duration wait = Duration.ofSeconds(60);
                tcpDir = Spool.await("a checkpoint of the TCP upload", wait, () -> spool.byClientId("web01", "boot-1"),
                        m -> m.path("files").path("vmcore").has("resumeFrom"));
                httpDir = Spool.await("a checkpoint of the HTTP upload", wait, () -> spool.byClientId("web02", "boot-2"),
                        m -> m.path("files").path("vmcore").has("resumeFrom"));
                Spool.await("a checkpoint of the SSH upload", wait, () -> spool.dumps("web03"),
                        m -> m.path("files").path("vmcore-incomplete").has("resumeFrom"));
                for (SlowFeed f : List.of(tcpFeed, httpFeed, sshFeed)) {
                    assertTrue(f.sent() < size, "the kill must land mid-stream; a feed already sent " + f.sent());
                }
                s.kill();
                for (Client c : List.of(tcp, http, dd)) {
                    c.await(Duration.ofSeconds(30)); // each sees its connection die
                }
                for (SlowFeed f : List.of(tcpFeed, httpFeed, sshFeed)) {
                    f.close();
                }
            }
            for (Path dir : List.of(tcpDir, httpDir, sshDir)) {
                assertEquals("receiving", Spool.text(Spool.manifest(dir), "state"),
                        "manifest of " + dir + " right after the kill (the kill was mid-upload)");
            }
            sshStored = Files.readAllBytes(sshDir.resolve("vmcore-incomplete"));
        }

        try (ServerProcess s = ServerProcess.start(tmp, true, "spool.min-free=1M")) {
            Matcher m = RECOVERED.matcher(s.logText());
            assertTrue(m.find(), "the restarted server logs its catalog rebuild:\n" + s.logText());
            assertEquals("3", m.group(2), "dumps recovered from 'receiving': " + m.group());
            for (Path dir : List.of(tcpDir, httpDir, sshDir)) {
                JsonNode man = Spool.manifest(dir);
                assertEquals("incomplete", Spool.text(man, "state"), "state after the restart of " + dir + ": " + man);
                assertEquals(DUMP_PROBLEM, Spool.text(man, "problem"), "problem recorded for " + dir);
                String file = dir.equals(sshDir) ? "vmcore-incomplete" : "vmcore";
                JsonNode entry = man.path("files").path(file);
                assertEquals("incomplete", Spool.text(entry, "state"), file + " of " + dir + ": " + entry);
                assertEquals(FILE_PROBLEM, Spool.text(entry, "problem"), file + " of " + dir);
                assertEquals("MARKED_KDUMP", Spool.text(entry, "incompleteMark"), "header of " + file + " flagged: " + entry);
            }

            // SSH is not resumable: what it stored is kept as it was, only the header flag is new
            assertEquals(-1, Files.mismatch(sshDir.resolve("vmcore-dmesg.txt"), dmesg), "kernel log stored before the crash");
            assertEquals("complete", Spool.text(Spool.file(sshDir, "vmcore-dmesg.txt"), "state"), "its manifest entry");
            byte[] after = Files.readAllBytes(sshDir.resolve("vmcore-incomplete"));
            assertEquals(sshStored.length, after.length, "size of the cut SSH dump across the restart");
            assertEquals(after.length, Spool.file(sshDir, "vmcore-incomplete").path("fileSize").asLong(),
                    "fileSize in the manifest");
            for (int i = 0; i < after.length; i++) {
                if (after[i] != sshStored[i] && (i < 424 || i >= 428)) {
                    throw new AssertionError("SSH dump changed at byte " + i + " by the restart (only the status"
                            + " word at 424 may change)");
                }
            }
            assertTrue((after[424] & 0x8) != 0, "kdump status DUMP_DH_COMPRESSED_INCOMPLETE set in the cut SSH dump");

            Map<String, String> hello = Senders.hello(s.port("tcp"), "web01", "boot-1");
            long off = Long.parseLong(hello.getOrDefault("offset", "0"));
            assertTrue(off > 0, "TCP upload resumable after the restart: " + hello);
            assertEquals("incomplete", hello.get("file-state"), "HELLO after the restart: " + hello);
            String done = Senders.put(s.port("tcp"), "web01", "boot-1", off, flat);
            assertTrue(done.startsWith("DONE ") && done.contains(" state=complete "),
                    "resumed TCP upload: " + done + "\n" + s.logAbout("web01"));
            assertEquals(-1, Files.mismatch(tcpDir.resolve("vmcore"), oracle), "TCP dump vs makedumpfile -R");

            Map<String, String> head = Senders.head(s.port("http"), "web02", "boot-2");
            long hoff = Long.parseLong(head.getOrDefault("x-vmcored-offset", "0"));
            assertTrue(hoff > 0, "HTTP upload resumable after the restart: " + head);
            Senders.HttpAnswer a = Senders.httpPut(s.port("http"), "web02", "boot-2", hoff, flat);
            assertEquals(201, a.code(), "resumed HTTP upload: " + a + "\n" + s.logAbout("web02"));
            assertEquals("complete", a.json().path("state").asText(), "resumed HTTP upload: " + a);
            assertEquals(-1, Files.mismatch(httpDir.resolve("vmcore"), oracle), "HTTP dump vs makedumpfile -R");

            for (Path dir : List.of(tcpDir, httpDir)) {
                JsonNode man = Spool.manifest(dir);
                assertEquals("complete", Spool.text(man, "state"), "after the resume: " + man);
                assertEquals(1, man.path("resumes").asInt(), "resumed once, not started over: " + dir);
                assertTrue(!man.path("files").path("vmcore").has("incompleteMark"), "header flag cleared: " + man);
            }
            assertEquals("incomplete", Spool.text(Spool.manifest(sshDir), "state"), "the cut SSH dump stays incomplete");
        }
    }

    static void ok(Client.Result r) {
        assertEquals(0, r.exit(), "expected exit 0: " + r);
    }
}
