package io.vmcored.server.storage;

import java.io.IOException;

/**
 * The spool fell below its free-space watermark while an upload was running, or the file
 * system itself ran out of space: the upload stops, incomplete.
 */
public final class DiskLowException extends IOException {

    public DiskLowException(String message) {
        super(message);
    }

    /** Whether {@code t} (or a cause) says the disk is full: ours, or the kernel's ENOSPC. */
    public static boolean isDiskFull(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof DiskLowException || c.getMessage() != null && c.getMessage().contains("No space left on device")) {
                return true;
            }
        }
        return false;
    }
}
