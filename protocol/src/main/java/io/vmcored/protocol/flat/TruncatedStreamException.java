package io.vmcored.protocol.flat;

/** The stream ended before its end marker: what arrived is kept, the dump is incomplete. */
public final class TruncatedStreamException extends FlattenedFormatException {

    public TruncatedStreamException(String message, long streamPosition) {
        super(message, streamPosition);
    }
}
