package io.vmcored.server.ssh;

import io.vmcored.server.catalog.DumpCatalog;
import io.vmcored.server.ingest.IngestService;
import io.vmcored.server.net.BindFailure;
import io.vmcored.server.net.Listener;
import io.vmcored.server.net.NetSettings;
import io.vmcored.server.ssh.fs.ClientPaths;
import io.vmcored.server.ssh.fs.SshSpool;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * The SSH receiver as one of the daemon's listeners: on the shared event-loop group, writing
 * through the ingest service into the shared catalog. Settings: {@code ssh.port} and
 * {@link SshOptions}.
 */
public final class SshListener implements Listener {

    private final SshReceiver receiver;
    private final String bind;
    private final int port;

    /**
     * @param options  the {@code ssh.*} settings ({@link SshOptions#from})
     * @param stateDir host keys and enrolled client keys
     * @param files    runs the sessions' blocking file work
     */
    public SshListener(NetSettings net, int port, Map<String, String> options, Path stateDir, IngestService ingest,
                       DumpCatalog catalog, Executor files) throws Exception {
        this.bind = net.bind();
        this.port = port;
        SshOptions o = SshOptions.from(options);
        SshSpool spool = new SshSpool(ingest, catalog, new ClientPaths(o.basePaths()));
        receiver = new SshReceiver(net.group(), files, stateDir, spool, o, net.bind(), port, net.idleTimeout(),
                net.refusals());
    }

    @Override
    public String name() {
        return "ssh";
    }

    @Override
    public void start() throws Exception {
        try {
            receiver.start();
        } catch (IOException e) {
            throw new BindFailure(name(), bind, port, e);
        }
    }

    @Override
    public int port() {
        return receiver.port();
    }

    @Override
    public void stopAccepting() throws Exception {
        receiver.stopAccepting();
    }

    @Override
    public void close() throws Exception {
        receiver.close();
    }
}
