package io.vmcored.server.ssh.auth;

import io.vmcored.server.storage.PrivateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;

/**
 * The server's host key: generated once into {@code <state>/ssh_host_ecdsa_key} and reused forever,
 * because clients bake it into their initramfs known_hosts (a changed key breaks every dump).
 * ECDSA P-256: supported by every OpenSSH since 5.7 without extra providers.
 */
public final class HostKeys {

    public static final String FILE_NAME = "ssh_host_ecdsa_key";

    private HostKeys() {
    }

    public static KeyPairProvider load(Path stateDir) throws IOException {
        PrivateFiles.directories(stateDir);
        SimpleGeneratorHostKeyProvider provider = new SimpleGeneratorHostKeyProvider(stateDir.resolve(FILE_NAME));
        provider.setAlgorithm("EC");
        provider.setKeySize(256);
        provider.setOverwriteAllowed(false);
        // load (or generate and write) now, so a broken state directory fails at start, not at first login
        provider.loadKeys(null);
        return provider;
    }
}
