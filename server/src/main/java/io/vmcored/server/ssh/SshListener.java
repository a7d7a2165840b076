package io.vmcored.server.ssh;

import io.vmcored.server.config.ServerConfig;
import io.vmcored.server.net.Listener;
import io.vmcored.server.daemon.ServerContext;
import io.vmcored.server.daemon.VmcoredServer;
import io.vmcored.server.ssh.fs.ClientPaths;
import io.vmcored.server.ssh.fs.SshSpool;

/**
 * The SSH receiver as one of the daemon's listeners: on the shared event-loop group, writing
 * through the shared file executor into the shared catalog, refusing uploads below the
 * spool's free-space watermark. Settings: {@code ssh.port} and {@link SshOptions}.
 */
public final class SshListener implements Listener {

    private SshReceiver receiver;

    /** Adds the SSH listener to a server unless {@code ssh.port} is -1 (the serve command's extension). */
    public static void extend(VmcoredServer server, ServerConfig config) {
        if (config.ssh.port() >= 0) {
            server.addListener(new SshListener());
        }
    }

    @Override
    public String name() {
        return "ssh";
    }

    @Override
    public void start(ServerContext context) throws Exception {
        ServerConfig config = context.config();
        SshOptions options = SshOptions.from(config.ssh.options());
        SshSpool spool = new SshSpool(context.catalog(), new ClientPaths(options.basePaths()), context.admission()::refusal);
        receiver = new SshReceiver(context.group(), context.fileExecutor(), config.stateDir, spool, options,
                config.bind, config.ssh.port(), config.idleTimeout);
        receiver.start();
    }

    @Override
    public int port() {
        return receiver == null ? -1 : receiver.port();
    }

    @Override
    public void close() throws Exception {
        if (receiver != null) {
            receiver.close();
        }
    }
}
