package io.vmcored.server.catalog;

import java.io.IOException;

/**
 * A file is still being received by an earlier connection (typically one whose link died
 * without a FIN, so the server has not noticed yet). That connection is told to stop; the
 * sender should retry shortly, then resume from the committed offset.
 */
public final class UploadBusyException extends IOException {

    public UploadBusyException(String message) {
        super(message);
    }
}
