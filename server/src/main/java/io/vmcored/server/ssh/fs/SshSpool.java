package io.vmcored.server.ssh.fs;

import io.vmcored.server.catalog.DumpCatalog;
import io.vmcored.server.ssh.auth.HostNames;
import java.nio.file.Path;
import java.util.function.Supplier;
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
    private final Supplier<String> refusal;

    public SshSpool(DumpCatalog catalog, ClientPaths paths) {
        this(catalog, paths, () -> null);
    }

    /** @param refusal null while uploads are allowed, else why not (e.g. the spool's free-space watermark) */
    public SshSpool(DumpCatalog catalog, ClientPaths paths, Supplier<String> refusal) {
        this.catalog = catalog;
        this.paths = paths;
        this.refusal = refusal;
    }

    /** Why new uploads are refused right now, or null. */
    String refusal() {
        return refusal.get();
    }

    public HostArea area(String host) {
        return new HostArea(this, HostNames.require(host), root().resolve(host));
    }

    public Path root() {
        return catalog.layout().spool().toAbsolutePath().normalize();
    }

    /** The sweep that ends dumps whose client went quiet for {@code settle}; run it periodically. */
    public Runnable idleSweep(java.time.Duration settle) {
        return new io.vmcored.server.catalog.IdleDumps(catalog(), settle);
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
