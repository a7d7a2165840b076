package io.vmcored.server.catalog;

import io.vmcored.protocol.flat.DecoderLimits;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Every dump the collector knows, and the one place that creates, finds and deletes them.
 * The ingest service and the API see only this interface: the embedded implementation keeps
 * manifests in the spool ({@link SpoolCatalog}); one shared by several collectors can follow.
 * Lookups by id and by the sender's dump id cost the same whatever the catalog's size.
 */
public interface DumpCatalog {

    /** Opens (creating) the spool and rebuilds the catalog from its manifests. Blocking. */
    static SpoolCatalog open(Path spool, DecoderLimits limits) throws IOException {
        return SpoolCatalog.open(spool, limits);
    }

    /** A new dump of {@code host}, in a fresh directory; {@code clientId} is the sender's dump id or null. */
    DumpRecord create(String host, Transport transport, String clientId) throws IOException;

    /**
     * The newest dump of {@code host} that the sender called {@code clientId}, or a new one:
     * two requests for one dump id at once get the same dump, never two.
     */
    DumpRecord findOrCreate(String host, Transport transport, String clientId) throws IOException;

    /** The dump in a directory the client named (SSH {@code mkdir -p}): created if new, else the existing one. */
    DumpRecord register(String host, String name, Transport transport) throws IOException;

    Optional<DumpRecord> get(String id);

    /** A dump of another collector sharing the catalog (with its manifest once in the object store); none alone. */
    default Optional<StoredElsewhere> heldElsewhere(String id) {
        return Optional.empty();
    }

    /** The newest dump of {@code host} that the sender called {@code clientId}. */
    Optional<DumpRecord> byClientId(String host, String clientId);

    /** One page of summaries, newest first: costs what the page holds, not the catalog. */
    DumpPage list(DumpQuery q);

    /** Whether any dump has {@code value} in {@code field} (a filter naming none is a typo, not an empty page). */
    boolean knows(DumpQuery.Field field, String value);

    /** Dumps matching {@code filter}, oldest first. Walks every dump: for background jobs, never per request. */
    List<DumpRecord> list(Predicate<DumpRecord> filter);

    /** Dumps of {@code host} in {@code state}. */
    long count(String host, DumpState state);

    /** Deletes a dump that is not in flight (retention, the operator). Blocking. */
    void delete(DumpRecord r) throws IOException;

    int size();

    /** Who hears about dumps starting, ending and being deleted (crash analysis, events). */
    void listener(DumpListener l);

    /** The uploads running now (progress displays). */
    UploadsInFlight uploadsInFlight();

    /** Every host with dumps: counts per state and its newest dump, by host name. */
    List<HostSummary> hosts();

    /** The local spool directory that dumps are received into. */
    Path spool();
}
