package io.vmcored.server.ssh.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.PublicKey;
import java.util.Optional;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;

/** Public-key authentication against vmcored's store; any user name; the key decides the host. */
public final class KeyAuthenticator implements PublickeyAuthenticator {

    private final AuthorizedKeyStore store;

    public KeyAuthenticator(AuthorizedKeyStore store) {
        this.store = store;
    }

    @Override
    public boolean authenticate(String username, PublicKey key, ServerSession session) {
        Optional<String> host;
        try {
            host = store.hostOf(AuthorizedKey.blobIdOf(key));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read key store " + store.file(), e);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (host.isEmpty()) {
            return false;
        }
        // called for the key probe and again for the signature: the identity is the same both times
        session.setAttribute(SshIdentity.KEY, new SshIdentity(host.get(), false));
        return true;
    }
}
