package io.vmcored.server.ssh.fs;

import io.vmcored.server.catalog.DumpCatalog;
import io.vmcored.server.ssh.auth.HostNames;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spool as SSH clients see it: one {@link HostArea} per authenticated host, on top of the
 * daemon's {@link DumpCatalog} (which owns the dump directories' manifests and their states).
 */
public final class SshSpool {

    /** The transport name recorded in manifests and metrics. */
    public static final String TRANSPORT = "ssh";
    private static final Logger LOG = LoggerFactory.getLogger("io.vmcored.ssh");

    private final DumpCatalog catalog;
    private final ClientPaths paths;

    public SshSpool(DumpCatalog catalog, ClientPaths paths) {
        this.catalog = catalog;
        this.paths = paths;
    }

    public HostArea area(String host) {
        return new HostArea(this, HostNames.require(host), root().resolve(host));
    }

    public Path root() {
        return catalog.layout().spool().toAbsolutePath().normalize();
    }

    DumpCatalog catalog() {
        return catalog;
    }

    ClientPaths paths() {
        return paths;
    }

    Logger log() {
        return LOG;
    }
}
