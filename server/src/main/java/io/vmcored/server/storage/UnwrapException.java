package io.vmcored.server.storage;

import io.vmcored.protocol.flat.FlattenedFormatException;

/**
 * A compressor's wrapper around an upload is damaged, cut short, or expands beyond the
 * limit: like a bad flattened record, the upload's input is invalid (what arrived is kept,
 * marked incomplete).
 */
public final class UnwrapException extends FlattenedFormatException {

    public UnwrapException(String message, long wrappedPosition) {
        super(message, wrappedPosition);
    }
}
