package io.vmcored.server.ssh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.protocol.testsupport.Fixtures;
import io.vmcored.protocol.testsupport.Requirements;
import io.vmcored.server.catalog.DumpState;
import io.vmcored.server.catalog.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/clients.md's RHEL/Fedora recipe with the real OpenSSH client: kdump.conf cannot name a
 * port, so the collector's port goes into root's ssh client configuration (dracut's ssh-client
 * module copies /root/.ssh/config and known_hosts into the capture initramfs), as
 * {@code Host <the kdump.conf host>} + {@code Port} and nothing else. Then, in order:
 * kdumpctl's {@code check_ssh_config} ({@code ssh -G} must resolve the host to itself),
 * {@code kdumpctl propagate} (ssh-keygen -t rsa, ssh-copy-id with the enrollment password),
 * the service start's {@code mkdir -p <path>}, and the capture kernel's kdump.sh sequence; the
 * stored vmcore is compared with makedumpfile -R's output. The config file is given with
 * {@code -F} here; on the client it is /root/.ssh/config, read without it.
 */
class RhelSshConfigPortTest {

    static final String PASSWORD = "enroll-secret-42";

    @TempDir
    static Path tmp;
    static SshTestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new SshTestServer(tmp, new SshOptions(PASSWORD, SshOptions.DEFAULT_BASE_PATHS, SshOptions.DEFAULT_CIPHERS,
                SshOptions.DEFAULT_SETTLE));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void portFromTheSshConfigPropagateAndTheCaptureSequence() throws Exception {
        Requirements.requirePrograms("ssh", "ssh-keygen", "ssh-copy-id");
        Path flat = Fixtures.stream("kdump-lzo-d31"); // kdump.conf's default core_collector: makedumpfile -l -d 31
        Path oracle = Fixtures.oracle("kdump-lzo-d31");
        Path home = Files.createDirectories(tmp.resolve("root"));
        Path dotSsh = Files.createDirectories(home.resolve(".ssh"));
        Path key = dotSsh.resolve("kdump_id_rsa"); // kdump.conf: sshkey /root/.ssh/kdump_id_rsa
        // the admin accepted the collector's host key once (ssh-keyscan -p PORT, fingerprint checked)
        String hostKey = server.knownHostsLine().substring(server.knownHostsLine().indexOf(' ') + 1);
        Path knownHosts = Files.writeString(dotSsh.resolve("known_hosts"), "[localhost]:" + server.port() + " " + hostKey + "\n");
        Path config = Files.writeString(dotSsh.resolve("config"), "Host localhost\n    Port " + server.port() + "\n"
                + "    UserKnownHostsFile " + knownHosts + "\n    GlobalKnownHostsFile /dev/null\n"
                + "    IdentityAgent none\n    LogLevel ERROR\n");
        String target = "root@localhost"; // kdump.conf: ssh root@localhost

        // kdumpctl check_ssh_config: the host part must be what ssh -G resolves it to (no HostName alias)
        OpenSsh.Result g = OpenSsh.run(List.of("ssh", "-F", config.toString(), "-G", target), null);
        assertTrue(g.out().contains("\nhostname localhost\n") && g.out().contains("\nport " + server.port() + "\n"), g.out());

        // kdumpctl propagate
        ok(OpenSsh.run(List.of("ssh-keygen", "-t", "rsa", "-f", key.toString(), "-N", "", "-q"), null));
        Path askpass = Files.writeString(home.resolve("askpass.sh"), "#!/bin/sh\necho '" + PASSWORD + "'\n");
        Files.setPosixFilePermissions(askpass, PosixFilePermissions.fromString("rwx------"));
        ProcessBuilder copy = new ProcessBuilder("ssh-copy-id", "-F", config.toString(), "-i", key.toString(), target);
        copy.environment().putAll(Map.of("HOME", home.toString(), "SSH_ASKPASS", askpass.toString(),
                "SSH_ASKPASS_REQUIRE", "force", "DISPLAY", ":0"));
        copy.environment().remove("SSH_AUTH_SOCK");
        ok(OpenSsh.run(copy, null));

        // kdumpctl start (check_and_wait_network_ready), then the capture kernel's kdump.sh
        ok(ssh(config, key, target, "mkdir -p /var/crash", null));
        String d = "/var/crash/127.0.0.1-2024-05-01-10:11:12";
        ok(ssh(config, key, target, "mkdir -p " + d, null));
        ok(ssh(config, key, target, "umask 0077 && dd bs=512 of='" + d + "/vmcore-incomplete'", flat));
        ok(ssh(config, key, target, "mv '" + d + "/vmcore-incomplete' '" + d + "/vmcore.flat'", null));

        Path stored = server.spool.resolve("127.0.0.1/127.0.0.1-2024-05-01-10:11:12/vmcore");
        assertArrayEquals(Files.readAllBytes(oracle), Files.readAllBytes(stored), "vmcore = makedumpfile -R output");
        Manifest m = server.manifest("127.0.0.1", "127.0.0.1-2024-05-01-10:11:12");
        assertEquals(DumpState.COMPLETE, m.state, m.problem);
    }

    /** As kdumpctl and kdump.sh call ssh: -i KEY -o BatchMode=yes -o StrictHostKeyChecking=yes, the port from the config. */
    private static OpenSsh.Result ssh(Path config, Path key, String target, String command, Path stdin) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ssh", "-F", config.toString(), "-i", key.toString(),
                "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", target, command));
        return OpenSsh.run(cmd, stdin);
    }

    private static void ok(OpenSsh.Result r) {
        assertEquals(0, r.exit(), "expected exit 0: " + r);
    }
}
