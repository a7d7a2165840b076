package io.vmcored.server.catalog;

import io.vmcored.protocol.rearrange.StreamReceiver.Outcome;

/** What the catalog tells the metrics about uploads; no host names pass through here (label cardinality). */
public interface UploadObserver {

    void started(String transport, boolean resumed);

    void bytes(String transport, long n);

    void finished(String transport, DumpState state, Outcome outcome, long millis);

    UploadObserver NONE = new UploadObserver() {
        @Override
        public void started(String transport, boolean resumed) {
        }

        @Override
        public void bytes(String transport, long n) {
        }

        @Override
        public void finished(String transport, DumpState state, Outcome outcome, long millis) {
        }
    };
}
