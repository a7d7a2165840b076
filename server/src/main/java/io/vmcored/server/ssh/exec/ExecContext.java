package io.vmcored.server.ssh.exec;

import io.vmcored.server.ssh.auth.AuthorizedKeyStore;
import io.vmcored.server.ssh.auth.SshIdentity;
import io.vmcored.server.ssh.fs.HostArea;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** What a running command may use: the host's area, its identity, the key store, stdout/stderr. */
final class ExecContext {

    final SshIdentity identity;
    final HostArea area;
    final AuthorizedKeyStore keys;
    final OutputStream out;
    final OutputStream err;
    /** Tells the session it is not idle (a command waiting for its turn). */
    final Runnable keepAlive;

    ExecContext(SshIdentity identity, HostArea area, AuthorizedKeyStore keys, OutputStream out, OutputStream err,
                Runnable keepAlive) {
        this.identity = identity;
        this.area = area;
        this.keys = keys;
        this.out = out;
        this.err = err;
        this.keepAlive = keepAlive;
    }

    void print(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** One line on stderr, prefixed like a shell's diagnostics. */
    void error(String command, String message) {
        try {
            err.write(("vmcored: " + command + ": " + message + "\n").getBytes(StandardCharsets.UTF_8));
            err.flush();
        } catch (IOException e) {
            // the client is gone; the exit status still says what happened
        }
    }
}
