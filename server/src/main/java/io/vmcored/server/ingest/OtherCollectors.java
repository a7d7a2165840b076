package io.vmcored.server.ingest;

import io.vmcored.server.catalog.Manifest;
import io.vmcored.server.catalog.Transport;
import java.util.Optional;

/**
 * What the other collectors sharing a catalog hold of a sender's dump (its host and the
 * sender's own dump id). Asked on a file thread when this collector does not have the dump:
 * an agent that failed over, or was sent here by a load balancer, is told to resume where its
 * dump is being received, or that it is already stored. One collector alone has none.
 */
public interface OtherCollectors {

    /**
     * The newest attempt another collector holds of dump {@code clientId} of {@code host}.
     * An attempt whose collector stopped renewing its lease is marked incomplete first, and not
     * returned: the sender starts the dump again here.
     */
    Optional<Elsewhere> find(String host, String clientId);

    /**
     * Null if this collector may take a new dump of {@code clientId} of {@code host} now, else
     * why not (for the sender, which then tries another collector).
     */
    default String refuseNew(String host, String clientId) {
        return null;
    }

    OtherCollectors NONE = (host, clientId) -> Optional.empty();

    /**
     * An attempt held by collector {@code node}: its dump {@code id}, receiving under a lease
     * that runs {@code leaseSeconds} more, or finished with its files in the object store
     * ({@code stored} is then its manifest, else null).
     */
    record Elsewhere(String node, String id, boolean receiving, long leaseSeconds, String tcp, String http,
                     Manifest stored) {

        /** How a sender of {@code transport} reaches that collector, or null when it did not say. */
        public String server(Transport transport) {
            return transport == Transport.HTTP ? http : transport == Transport.TCP ? tcp : null;
        }
    }
}
