package io.vmcored.server.ingest;

import java.io.IOException;

/** An upload refused by a rule of the {@link IngestService}; the transport tells the sender. */
public final class RefusedException extends IOException {

    private final Refusal reason;
    private final Long offset;

    public RefusedException(Refusal reason, String message) {
        this(reason, message, null);
    }

    /** @param offset where the sender should resume instead, or null */
    public RefusedException(Refusal reason, String message, Long offset) {
        super(message);
        this.reason = reason;
        this.offset = offset;
    }

    public Refusal reason() {
        return reason;
    }

    public Long offset() {
        return offset;
    }
}
