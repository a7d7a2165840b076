package io.vmcored.server.ssh;

import io.vmcored.protocol.testsupport.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the real OpenSSH client programs (ssh, scp, sftp, ssh-copy-id) against a test server
 * the way kdump clients do: their own key, a known_hosts with the server's key,
 * StrictHostKeyChecking=yes, BatchMode=yes, no agent, no user config.
 */
final class OpenSsh {

    /** What a client program did. */
    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + ", stdout [" + out.strip() + "], stderr [" + err.strip() + "]";
        }
    }

    final Path dir;
    final Path key;
    final Path knownHosts;
    final int port;

    /** Makes a key of {@code type} (rsa, ecdsa, ed25519) named {@code name} in {@code dir}. */
    OpenSsh(Path dir, String name, String type, SshTestServer server) throws Exception {
        this(dir, name, type, server.port(), server.knownHostsLine());
    }

    /** @param knownHostsLine {@code [127.0.0.1]:PORT KEYTYPE BASE64} of the server */
    OpenSsh(Path dir, String name, String type, int port, String knownHostsLine) throws Exception {
        this.dir = dir;
        this.key = dir.resolve(name);
        this.port = port;
        this.knownHosts = dir.resolve("known_hosts");
        if (!Files.exists(key)) {
            run(List.of("ssh-keygen", "-q", "-t", type, "-N", "", "-C", name + "@test", "-f", key.toString()), null);
        }
        Files.writeString(knownHosts, knownHostsLine + "\n");
    }

    Path publicKey() {
        return Path.of(key + ".pub");
    }

    List<String> options() {
        return List.of("-F", "none", "-i", key.toString(), "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none",
                "-o", "UserKnownHostsFile=" + knownHosts, "-o", "GlobalKnownHostsFile=/dev/null",
                "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes", "-o", "LogLevel=ERROR",
                "-o", "ConnectTimeout=20");
    }

    /** {@code ssh root@127.0.0.1 COMMAND < stdin} */
    Result ssh(String command, Path stdin) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ssh", "-p", String.valueOf(port)));
        cmd.addAll(options());
        cmd.add("root@127.0.0.1");
        cmd.add(command);
        return run(cmd, stdin);
    }

    Process sshProcess(String command) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ssh", "-p", String.valueOf(port)));
        cmd.addAll(options());
        cmd.add("root@127.0.0.1");
        cmd.add(command);
        return new ProcessBuilder(cmd).redirectError(dir.resolve("ssh-proc.err").toFile()).start();
    }

    /** scp with extra flags (e.g. -O for the legacy protocol); remote paths as root@127.0.0.1:PATH. */
    Result scp(List<String> flags, String from, String to) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("scp", "-P", String.valueOf(port), "-q"));
        cmd.addAll(flags);
        cmd.addAll(options());
        cmd.add(from);
        cmd.add(to);
        return run(cmd, null);
    }

    Result sftpBatch(String batch) throws Exception {
        Path file = Files.writeString(dir.resolve("sftp-batch"), batch);
        List<String> cmd = new ArrayList<>(List.of("sftp", "-P", String.valueOf(port), "-b", file.toString()));
        cmd.addAll(options());
        cmd.add("root@127.0.0.1");
        return run(cmd, null);
    }

    static Result run(List<String> cmd, Path stdin) throws Exception {
        return run(new ProcessBuilder(cmd), stdin);
    }

    static Result run(ProcessBuilder pb, Path stdin) throws Exception {
        pb.redirectInput(stdin == null ? ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())
                : ProcessBuilder.Redirect.from(stdin.toFile()));
        Processes.Result r = Processes.run(pb, Duration.ofSeconds(180));
        return new Result(r.exit(), r.out(), r.err());
    }
}
