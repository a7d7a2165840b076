package io.vmcored.server.ssh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.protocol.testsupport.Fixtures;
import io.vmcored.protocol.testsupport.Processes;
import io.vmcored.protocol.testsupport.Requirements;
import io.vmcored.server.catalog.DumpState;
import io.vmcored.server.catalog.Manifest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SUSE kdump 2.x's save step (dracut/kdump-save) against vmcored, with its real clients:
 * {@code KDUMP_SAVEDIR=sftp://root@collector/var/crash} runs {@code lftp -c "...; open
 * --env-password sftp://...; mkdir -pf DIR; chmod 700 DIR; put FIFO -o DIR/FILE"}, and
 * {@code ssh://root@collector/var/crash} runs {@code ssh ssh://root@collector "umask 077; mkdir -p
 * DIR && cat > DIR/FILE" < FIFO}; each file (README.txt, dmesg, vmcore, README.txt again) is
 * written by its producer into a FIFO, as kdump-save does, and the vmcore is {@code makedumpfile
 * -F -c -d 31} of the fixture vmcore. The stored vmcore must equal makedumpfile -R's output.
 *
 * <p>The command lines are kdump-save's; the collector's port comes from an ssh client
 * configuration (on SUSE: root's ~/.ssh/config, copied into the capture initramfs), given
 * here through {@code ssh} wrappers first in PATH that add {@code -F} (lftp runs {@code ssh}).
 */
class SuseKdumpSaveTest {

    @TempDir
    static Path tmp;
    static SshTestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new SshTestServer(tmp, SshOptions.defaults());
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest(name = "KDUMP_SAVEDIR={0}://root@collector/var/crash")
    @ValueSource(strings = {"sftp", "ssh"})
    void kdumpSaveStoresTheRearrangedDump(String proto) throws Exception {
        Requirements.requirePrograms("makedumpfile", "ssh", "mkfifo", "bash", proto.equals("sftp") ? "lftp" : "ssh");
        Path vmcore = Fixtures.vmcore();
        Path oracle = Fixtures.oracle("kdump-zlib-d31");
        Path dir = Files.createDirectories(tmp.resolve("client-" + proto));
        String host = "suse-" + proto;
        OpenSsh keys = new OpenSsh(dir, "id_rsa", "rsa", server);
        server.enroll(host, keys.publicKey());
        Path sshConfig = Files.writeString(dir.resolve("ssh_config"), "Host collector\n"
                + "    HostName 127.0.0.1\n    Port " + server.port() + "\n    IdentityFile " + keys.key + "\n"
                + "    UserKnownHostsFile " + keys.knownHosts + "\n    GlobalKnownHostsFile /dev/null\n"
                + "    StrictHostKeyChecking yes\n    BatchMode yes\n    IdentitiesOnly yes\n    IdentityAgent none\n"
                + "    LogLevel ERROR\n");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path wrapper = Files.writeString(bin.resolve("ssh"), "#!/bin/sh\nexec /usr/bin/ssh -F " + sshConfig + " \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));

        String subdir = "sles15-2024-05-01-10-11"; // kdump-save: ${HOSTNAME}-$(date +%Y-%m-%d-%H-%M)
        String d = "/var/crash/" + subdir;
        String fifo = dir.resolve("fifo").toString();
        String save = proto.equals("sftp")
                // kdump-save's SAVE_COMMAND for sftp:// (URL split into host and directory; key login: empty LFTP_PASSWORD)
                ? "lftp -c \"set net:timeout 5; set net:max-retries 2; open --env-password sftp://root@collector || exit 1; "
                        + "mkdir -pf " + d + "; chmod 700 " + d + "; put " + fifo + " -o " + d + "/$FILENAME\""
                // and for ssh://
                : "ssh \"ssh://root@collector\" \"umask 077; mkdir -p " + d + " && cat > " + d + "/$FILENAME\" < " + fifo;
        String readme1 = "This file will be overwritten when the dump is finished.\nIf you see this text the crash dump is likely incomplete.\n";
        String readme2 = "Kernel crashdump\n----------------\ndmesg status: saved successfully\nvmcore status: saved successfully\n";
        Path r1 = Files.writeString(dir.resolve("readme1"), readme1);
        Path r2 = Files.writeString(dir.resolve("readme2"), readme2);
        String vmcoreArgs = "makedumpfile -F -c --message-level 6 -d 31 " + vmcore;
        for (Map.Entry<String, String> f : List.of(Map.entry("README.txt", "cat " + r1),
                Map.entry("dmesg", "makedumpfile -F --message-level 8 --dump-dmesg " + vmcore),
                Map.entry("vmcore", vmcoreArgs), Map.entry("README.txt", "cat " + r2))) {
            // as kdump-save: a fresh FIFO, the producer writing into it in the background, then SAVE_COMMAND
            String script = "set -u\nrm -f " + fifo + "; mkfifo " + fifo + " || exit 2\nFILENAME=" + f.getKey() + "\n"
                    + f.getValue() + " > " + fifo + " 2>/dev/null &\n" + save + "\nret=$?\n"
                    + "[ $ret -ne 0 ] && kill $! 2>/dev/null\nwait $! || exit 3\nexit $ret\n";
            ProcessBuilder pb = new ProcessBuilder("bash", "-c", script).directory(dir.toFile());
            pb.environment().put("PATH", bin + ":/usr/bin:/bin:/usr/sbin:/sbin");
            pb.environment().put("LFTP_PASSWORD", "");
            pb.environment().put("HOME", dir.toString()); // no lftp rc or history from the machine's root
            Processes.Result run = Processes.run(pb, Duration.ofSeconds(180));
            assertEquals(0, run.exit(), proto + " save of " + f.getKey() + ": " + run.out() + run.err());
        }

        Path stored = server.spool.resolve(host).resolve(subdir);
        assertArrayEquals(Files.readAllBytes(oracle), Files.readAllBytes(stored.resolve("vmcore")),
                "vmcore = makedumpfile -R of the stream kdump-save sent");
        assertArrayEquals(Files.readAllBytes(Fixtures.dmesg("kdump-zlib-d31")), Files.readAllBytes(stored.resolve("dmesg")),
                "dmesg as makedumpfile --dump-dmesg wrote it");
        assertEquals(readme2, Files.readString(stored.resolve("README.txt"), StandardCharsets.UTF_8), "the final README");
        Manifest m = server.manifest(host, subdir);
        assertEquals(DumpState.COMPLETE, m.state, "vmcore closed at EOF with exit 0: " + m.problem);
        assertEquals("vmcore", m.dumpFile);
        assertEquals("FLATTENED", m.files.get("vmcore").contentKind);
        assertTrue(m.files.get("vmcore").streamBytes > Files.size(oracle), "stored rearranged, not as the stream came");
    }
}
