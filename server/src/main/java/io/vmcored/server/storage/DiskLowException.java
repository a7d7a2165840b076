package io.vmcored.server.storage;

import java.io.IOException;

/** The spool fell below its free-space watermark while an upload was running; the upload stops, incomplete. */
public final class DiskLowException extends IOException {

    public DiskLowException(String message) {
        super(message);
    }
}
