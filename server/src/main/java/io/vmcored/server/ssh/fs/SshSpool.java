package io.vmcored.server.ssh.fs;

import io.vmcored.server.catalog.DumpCatalog;
import io.vmcored.server.catalog.QuietDumps;
import io.vmcored.server.ingest.IngestService;
import io.vmcored.server.ssh.auth.HostNames;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The spool as SSH clients see it: one {@link HostArea} per authenticated host. Uploads go
 * through the daemon's {@link IngestService}; the catalog owns the dump directories, their
 * manifests and the rules of when a dump written by name is complete.
 */
public final class SshSpool {

    private final IngestService ingest;
    private final DumpCatalog catalog;
    private final ClientPaths paths;

    public SshSpool(IngestService ingest, DumpCatalog catalog, ClientPaths paths) {
        this.ingest = ingest;
        this.catalog = catalog;
        this.paths = paths;
    }

    public HostArea area(String host) {
        return new HostArea(this, HostNames.require(host), root().resolve(host));
    }

    public Path root() {
        return catalog.spool().toAbsolutePath().normalize();
    }

    /** The sweep that ends dumps whose client went quiet for {@code settle}; run it periodically. */
    public Runnable quietSweep(Duration settle) {
        return new QuietDumps(catalog, settle);
    }

    IngestService ingest() {
        return ingest;
    }

    DumpCatalog catalog() {
        return catalog;
    }

    ClientPaths paths() {
        return paths;
    }
}
