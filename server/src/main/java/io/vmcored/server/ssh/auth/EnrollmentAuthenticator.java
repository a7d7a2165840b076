package io.vmcored.server.ssh.auth;

import io.vmcored.server.ingest.RefusalLog;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.apache.sshd.server.auth.password.PasswordAuthenticator;
import org.apache.sshd.server.session.ServerSession;

/**
 * The operator's enrollment password. A session that logs in with it can do one thing:
 * run ssh-copy-id's key-append command, which adds the keys to the store for the host
 * identity derived from the client's address ({@link HostNames#fromAddress}).
 */
public final class EnrollmentAuthenticator implements PasswordAuthenticator {

    private final byte[] password;
    private final RefusalLog refusals;

    public EnrollmentAuthenticator(String password, RefusalLog refusals) {
        this.password = password.getBytes(StandardCharsets.UTF_8);
        this.refusals = refusals;
    }

    @Override
    public boolean authenticate(String username, String offered, ServerSession session) {
        byte[] given = offered == null ? new byte[0] : offered.getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(given, password)) {
            refusals.refused("ssh", Peers.address(session), "bad_password", "user=" + username
                    + ": not the enrollment password");
            return false;
        }
        String host;
        try {
            host = HostNames.fromAddress(session.getClientAddress());
        } catch (IllegalArgumentException e) {
            return false;
        }
        session.setAttribute(SshIdentity.KEY, new SshIdentity(host, true));
        return true;
    }
}
