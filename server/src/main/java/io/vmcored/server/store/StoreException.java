package io.vmcored.server.store;

/**
 * An upload or deletion that did not happen. {@code retryable}: the bucket may take it later
 * (unreachable, refused, timed out); otherwise retrying cannot help (the spool's file changed,
 * the bucket kept other bytes) and the dump stays in the spool for the operator.
 */
public final class StoreException extends Exception {

    private final boolean retryable;

    StoreException(String message, boolean retryable) {
        super(message, null, false, false);
        this.retryable = retryable;
    }

    StoreException(String message, boolean retryable, Throwable cause) {
        super(message, cause, false, false);
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
