package io.vmcored.server.ssh.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.PublicKey;
import java.util.Optional;
import io.vmcored.server.ingest.RefusalLog;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;

/**
 * Public-key authentication against vmcored's store; any user name; the key decides the host.
 * A key the store does not know is refused visibly ({@link RefusalLog}): RHEL's kdump does not
 * retry, so a host whose key was never enrolled loses its dump, and the operator must see it.
 */
public final class KeyAuthenticator implements PublickeyAuthenticator {

    private final AuthorizedKeyStore store;
    private final RefusalLog refusals;

    public KeyAuthenticator(AuthorizedKeyStore store, RefusalLog refusals) {
        this.store = store;
        this.refusals = refusals;
    }

    @Override
    public boolean authenticate(String username, PublicKey key, ServerSession session) {
        Optional<String> host;
        try {
            host = store.hostOf(AuthorizedKey.blobIdOf(key));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read key store " + store.file(), e);
        } catch (IllegalArgumentException e) {
            refusals.refused("ssh", Peers.address(session), "unsupported_key", "user=" + username + " key type "
                    + key.getAlgorithm() + ": " + e.getMessage());
            return false;
        }
        if (host.isEmpty()) {
            refusals.refused("ssh", Peers.address(session), "unknown_key", "user=" + username + " key="
                    + KeyUtils.getFingerPrint(key) + ": not enrolled (vmcored keys add, or ssh-copy-id with the"
                    + " enrollment password)");
            return false;
        }
        // called for the key probe and again for the signature: the identity is the same both times
        session.setAttribute(SshIdentity.KEY, new SshIdentity(host.get(), false));
        return true;
    }
}
