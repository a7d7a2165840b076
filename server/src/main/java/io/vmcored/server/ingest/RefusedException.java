package io.vmcored.server.ingest;

import java.io.IOException;
import java.util.Map;

/** An upload refused by a rule of the {@link IngestService}; the transport tells the sender. */
public final class RefusedException extends IOException {

    private final Refusal reason;
    private final Long offset;
    private final Map<String, String> details;

    public RefusedException(Refusal reason, String message) {
        this(reason, message, null);
    }

    /** @param offset where the sender should resume instead, or null */
    public RefusedException(Refusal reason, String message, Long offset) {
        this(reason, message, offset, Map.of());
    }

    /** @param details more fields for the sender (reply words, JSON members), in order */
    public RefusedException(Refusal reason, String message, Long offset, Map<String, String> details) {
        super(message);
        this.reason = reason;
        this.offset = offset;
        this.details = details;
    }

    public Map<String, String> details() {
        return details;
    }

    public Refusal reason() {
        return reason;
    }

    public Long offset() {
        return offset;
    }
}
