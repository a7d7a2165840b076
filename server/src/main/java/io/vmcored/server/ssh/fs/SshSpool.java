package io.vmcored.server.ssh.fs;

import io.vmcored.protocol.flat.DecoderLimits;
import io.vmcored.protocol.rearrange.StreamReceiver;
import io.vmcored.server.ssh.auth.HostNames;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spool as SSH clients see it: hands out one {@link HostArea} per authenticated host and
 * remembers how uploads into {@code *-incomplete} names ended until the client's {@code mv}
 * decides whether they count as complete.
 */
public final class SshSpool {

    private static final Logger LOG = LoggerFactory.getLogger("io.vmcored.ssh");
    /** Bounds the memory of uploads waiting for their mv (each entry is ~100 bytes). */
    static final int MAX_PENDING = 10_000;

    private final Path root;
    private final ClientPaths paths;
    private final DumpEvents events;
    private final DecoderLimits limits;
    private final Map<Path, StreamReceiver.Outcome> pending = new ConcurrentHashMap<>();

    public SshSpool(Path root, ClientPaths paths, DumpEvents events, DecoderLimits limits) {
        this.root = root.toAbsolutePath().normalize();
        this.paths = paths;
        this.events = events;
        this.limits = limits;
    }

    public HostArea area(String host) {
        return new HostArea(this, HostNames.require(host), root.resolve(host));
    }

    public Path root() {
        return root;
    }

    ClientPaths paths() {
        return paths;
    }

    DumpEvents events() {
        return events;
    }

    DecoderLimits limits() {
        return limits;
    }

    Logger log() {
        return LOG;
    }

    void rememberPending(Path file, StreamReceiver.Outcome outcome) {
        if (pending.size() >= MAX_PENDING) {
            pending.clear(); // forget old orphans rather than grow; a later mv then sniffs the header
        }
        pending.put(file, outcome);
    }

    StreamReceiver.Outcome takePending(Path file) {
        return pending.remove(file);
    }
}
