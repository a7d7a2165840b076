package io.vmcored.server.storage;

import java.io.IOException;

/** A resumed stream's overlap differs from what was committed: the sender's stream is not the same one. */
public final class ResumeMismatchException extends IOException {

    public ResumeMismatchException(String message) {
        super(message);
    }
}
