package io.vmcored.protocol.flat;

import java.io.IOException;

/** The input is not a valid flattened stream; the message says what and where. */
public class FlattenedFormatException extends IOException {

    private final long streamPosition;

    public FlattenedFormatException(String message, long streamPosition) {
        super(message + " (at stream byte " + streamPosition + ")");
        this.streamPosition = streamPosition;
    }

    /** Byte position in the stream where the problem was detected. */
    public long streamPosition() {
        return streamPosition;
    }
}
