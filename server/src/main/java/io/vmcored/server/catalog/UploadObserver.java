package io.vmcored.server.catalog;

import io.vmcored.protocol.rearrange.StreamReceiver.Outcome;

/**
 * What the catalog tells the metrics about uploads; no host names pass through here (label
 * cardinality). Methods do nothing unless overridden, so a no-op is {@code new UploadObserver() {}}.
 */
public interface UploadObserver {

    default void started(Transport transport, boolean resumed) {
    }

    default void bytes(Transport transport, long n) {
    }

    default void finished(Transport transport, DumpState state, Outcome outcome, long millis) {
    }

    UploadObserver NONE = new UploadObserver() {
    };
}
