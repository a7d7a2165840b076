package io.vmcored.protocol.flat;

/** Bytes followed the end marker: the dump itself is complete, the input was not. */
public final class TrailingDataException extends FlattenedFormatException {

    public TrailingDataException(String message, long streamPosition) {
        super(message, streamPosition);
    }
}
