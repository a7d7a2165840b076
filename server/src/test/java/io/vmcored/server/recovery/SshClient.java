package io.vmcored.server.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The OpenSSH client as RHEL's kdump runs it (own key, BatchMode, StrictHostKeyChecking=yes)
 * against a forked server. The server's host key is known under an alias, so the client
 * keeps trusting it when the restarted server listens on another port.
 */
final class SshClient {

    private static final String ALIAS = "vmcored-under-test";

    private final Path key;
    private final Path knownHosts;

    /** Makes a client key in {@code dir} and enrolls it for {@code host} in the server's state directory. */
    SshClient(Path dir, Path stateDir, String host) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Files.createDirectories(stateDir);
        key = dir.resolve("kdump_id_ed25519");
        knownHosts = dir.resolve("known_hosts");
        run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", host + "@test", "-f", key.toString()));
        // vmcored's own key store: HOST KEYTYPE BASE64 [COMMENT] (docs/ssh.md)
        Files.writeString(stateDir.resolve("authorized_keys"), host + " " + Files.readString(Path.of(key + ".pub")),
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** Trusts the host key the server generated in {@code stateDir} at its first start. */
    void trust(Path stateDir) throws IOException, InterruptedException {
        Client.Result r = Client.sh("ssh-keygen -y -f " + stateDir.resolve("ssh_host_ecdsa_key"), Senders.TIMEOUT);
        assertEquals(0, r.exit(), "public half of the server's host key: " + r);
        Files.writeString(knownHosts, ALIAS + " " + r.out().strip() + "\n");
    }

    /** {@code ssh root@127.0.0.1 -p PORT COMMAND}. */
    List<String> ssh(int port, String command) {
        List<String> cmd = new ArrayList<>(List.of("ssh", "-p", String.valueOf(port), "-F", "none",
                "-i", key.toString(), "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none",
                "-o", "UserKnownHostsFile=" + knownHosts, "-o", "GlobalKnownHostsFile=/dev/null",
                "-o", "HostKeyAlias=" + ALIAS, "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes",
                "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=30", "root@127.0.0.1", command));
        return cmd;
    }

    /** Runs one command to its end with stdin from {@code stdin} (null: nothing). */
    Client.Result run(int port, String command, Path stdin) throws IOException, InterruptedException {
        try (Client c = Client.start(ssh(port, command), stdin)) {
            return c.await(Senders.TIMEOUT);
        }
    }

    private static void run(List<String> cmd) throws IOException, InterruptedException {
        try (Client c = Client.start(cmd, null)) {
            Client.Result r = c.await(Duration.ofSeconds(60));
            assertEquals(0, r.exit(), String.join(" ", cmd) + ": " + r);
        }
    }
}
