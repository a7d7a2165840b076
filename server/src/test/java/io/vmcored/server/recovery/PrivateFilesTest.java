package io.vmcored.server.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.protocol.testsupport.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A vmcore holds the crashed machine's memory: started with umask 022 (as from a shell,
 * outside systemd), vmcored still writes every file 0600 and every directory 0700, for dumps
 * arriving over TCP, HTTP and SSH, their manifests, kernel logs and the SSH state.
 */
class PrivateFilesTest {

    @TempDir
    Path tmp;

    @Test
    void everythingTheServerWritesIsPrivate() throws Exception {
        Path flat = Fixtures.stream(CrashRecoveryTest.NAME);
        SshClient ssh = new SshClient(tmp.resolve("client"), tmp.resolve("state"), "web40");
        String d = "/var/crash/127.0.0.1-2026-12-07-12:00:00";
        try (ServerProcess s = ServerProcess.start(tmp, true, "spool.min-free=1M", "analysis.enabled=true")) {
            ssh.trust(tmp.resolve("state"));
            assertTrue(Senders.put(s.port("tcp"), "web41", "b1", 0, flat).startsWith("DONE "), "TCP upload");
            Client.Result http = Client.sh("curl -sS -f -T " + flat + " '" + Senders.url(s.port("http"), "web42", "b1")
                    + "'", Senders.TIMEOUT);
            assertEquals(0, http.exit(), "HTTP upload: " + http);
            CrashRecoveryTest.ok(ssh.run(s.port("ssh"), "mkdir -p " + d, null));
            CrashRecoveryTest.ok(ssh.run(s.port("ssh"), "dd of=" + d + "/vmcore-incomplete", flat));
            CrashRecoveryTest.ok(ssh.run(s.port("ssh"), "mv " + d + "/vmcore-incomplete " + d + "/vmcore", null));
            long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            List<Path> done = List.of();
            while (done.size() < 3 && System.nanoTime() < end) {
                Thread.sleep(100);
                done = dumpDirs(tmp.resolve("spool")).stream().filter(dir -> {
                    var m = Spool.manifest(dir);
                    return "complete".equals(Spool.text(m, "state")) && m.has("analysis");
                }).toList();
            }
            assertEquals(3, done.size(), "one complete, analyzed dump per transport: " + dumpDirs(tmp.resolve("spool"))
                    + "\n" + s.logText());
        }
        List<String> open = new ArrayList<>();
        int files = 0;
        for (Path root : List.of(tmp.resolve("spool"), tmp.resolve("state"))) {
            try (Stream<Path> all = Files.walk(root)) {
                for (Path p : all.toList()) {
                    if (p.equals(tmp.resolve("state/authorized_keys"))) {
                        continue; // written by this test, standing in for the operator
                    }
                    boolean dir = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
                    String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
                    files += dir ? 0 : 1;
                    if (!mode.equals(dir ? "rwx------" : "rw-------")) {
                        open.add(tmp.relativize(p) + " " + mode);
                    }
                }
            }
        }
        assertTrue(files >= 9, "walked the dumps, manifests, kernel logs and keys: " + files + " files");
        assertEquals(List.of(), open, "files not 0600 / directories not 0700");
    }

    private static List<Path> dumpDirs(Path spool) {
        try (Stream<Path> s = Files.walk(spool, 2)) {
            return s.filter(p -> Files.isRegularFile(p.resolve("manifest.json"))).toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
