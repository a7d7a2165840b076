package io.vmcored.server.ssh;

import io.netty.channel.EventLoopGroup;
import io.vmcored.server.ingest.RefusalLog;
import io.vmcored.server.ssh.auth.AuthorizedKeyStore;
import io.vmcored.server.ssh.auth.EnrollmentAuthenticator;
import io.vmcored.server.ssh.auth.HostKeys;
import io.vmcored.server.ssh.auth.KeyAuthenticator;
import io.vmcored.server.ssh.exec.ExecCommandFactory;
import io.vmcored.server.ssh.fs.SshSpool;
import io.vmcored.server.ssh.sftp.HostFileSystemFactory;
import io.vmcored.server.ssh.sftp.SpoolSftpAccessor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.netty.NettyIoServiceFactoryFactory;
import org.apache.sshd.server.ServerBuilder;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.UserAuthFactory;
import org.apache.sshd.server.auth.password.UserAuthPasswordFactory;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * The SSH server kdump clients talk to: Apache MINA SSHD on the daemon's Netty event loops
 * (the I/O factory is set explicitly, never discovered), public-key logins against vmcored's key
 * store, an optional enrollment password, exec commands interpreted by {@link ExecCommandFactory},
 * SFTP confined to the host's area. No shell, no keyboard-interactive, no forwarding.
 */
public final class SshReceiver implements AutoCloseable {

    private final SshServer server;
    private final EventLoopGroup group;
    private final Executor files;
    private final Runnable quietSweep;
    private final Duration settle;
    private ScheduledFuture<?> sweeping;

    /**
     * @param group    the daemon's event-loop group (network I/O only)
     * @param files    runs blocking file work of every session
     */
    public SshReceiver(EventLoopGroup group, Executor files, Path stateDir, SshSpool spool, SshOptions options,
                       String bind, int port, RefusalLog refusals) throws IOException {
        this(group, files, stateDir, spool, options, bind, port, Duration.ofMinutes(10), refusals);
    }

    /**
     * @param idleTimeout a session sending nothing this long is closed (an upload in it ends incomplete)
     * @param refusals    where refused logins are logged and counted
     */
    public SshReceiver(EventLoopGroup group, Executor files, Path stateDir, SshSpool spool, SshOptions options,
                       String bind, int port, Duration idleTimeout, RefusalLog refusals) throws IOException {
        AuthorizedKeyStore keys = new AuthorizedKeyStore(stateDir);
        this.group = group;
        this.files = files;
        this.settle = options.settle();
        this.quietSweep = spool.quietSweep(settle);
        server = ServerBuilder.builder().factory(DrainableSshServer::new).build();
        server.setIoServiceFactoryFactory(new NettyIoServiceFactoryFactory(group));
        server.setHost(bind);
        server.setPort(port);
        CoreModuleProperties.IDLE_TIMEOUT.set(server, idleTimeout);
        server.setKeyPairProvider(HostKeys.load(stateDir));
        List<NamedFactory<Cipher>> ciphers = new ArrayList<>();
        for (String c : options.ciphers()) {
            ciphers.add(BuiltinCiphers.fromFactoryName(c));
        }
        server.setCipherFactories(ciphers);
        List<UserAuthFactory> auth = new ArrayList<>();
        auth.add(UserAuthPublicKeyFactory.INSTANCE);
        server.setPublickeyAuthenticator(new KeyAuthenticator(keys, refusals));
        if (options.enrollPassword() != null) {
            auth.add(UserAuthPasswordFactory.INSTANCE);
            server.setPasswordAuthenticator(new EnrollmentAuthenticator(options.enrollPassword(), refusals));
        } else {
            server.setPasswordAuthenticator(null);
        }
        server.setKeyboardInteractiveAuthenticator(null);
        server.setGSSAuthenticator(null);
        server.setHostBasedAuthenticator(null);
        server.setUserAuthFactories(auth);
        server.setForwardingFilter(RejectAllForwardingFilter.INSTANCE);
        server.setShellFactory(null);
        server.setCommandFactory(new ExecCommandFactory(spool, keys, files));
        server.setFileSystemFactory(new HostFileSystemFactory(spool));
        SftpSubsystemFactory sftp = new SftpSubsystemFactory.Builder()
                .withFileSystemAccessor(new SpoolSftpAccessor(spool))
                .build();
        sftp.addSftpEventListener(SpoolSftpAccessor.CLOSE_TRACKER);
        server.setSubsystemFactories(List.of(sftp));
    }

    public void start() throws IOException {
        server.start();
        long every = Math.max(200, Math.min(30_000, settle.toMillis() / 4));
        sweeping = group.scheduleAtFixedRate(() -> files.execute(quietSweep), every, every, TimeUnit.MILLISECONDS);
    }

    /** Stops accepting new sessions; open ones go on. */
    public void stopAccepting() {
        ((DrainableSshServer) server).unbind();
    }

    /** MINA's server, with its acceptor reachable: unbinding it stops new sessions and keeps the open ones. */
    private static final class DrainableSshServer extends SshServer {
        void unbind() {
            if (acceptor != null) {
                acceptor.unbind();
            }
        }
    }

    /** The bound port (after start). */
    public int port() {
        SocketAddress a = server.getBoundAddresses().stream().findFirst().orElse(null);
        return a instanceof InetSocketAddress inet ? inet.getPort() : server.getPort();
    }

    @Override
    public void close() throws IOException {
        if (sweeping != null) {
            sweeping.cancel(false);
        }
        server.stop(true);
    }
}
