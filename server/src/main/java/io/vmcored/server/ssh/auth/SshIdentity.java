package io.vmcored.server.ssh.auth;

import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.session.Session;

/**
 * Who is on the other end of an SSH session, decided at authentication: the host identity
 * (from its key, or derived from its address for a password enrollment) and whether the
 * session may only enroll keys.
 */
public record SshIdentity(String host, boolean enrollmentOnly) {

    public static final AttributeKey<SshIdentity> KEY = new AttributeKey<>();

    public SshIdentity {
        HostNames.require(host);
    }

    /** The identity of an authenticated session; fails loudly if authentication did not set one. */
    public static SshIdentity of(Session session) {
        SshIdentity id = session.getAttribute(KEY);
        if (id == null) {
            throw new IllegalStateException("session " + session + " has no vmcored identity");
        }
        return id;
    }
}
