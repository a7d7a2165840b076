package io.vmcored.server.catalog;

import java.io.IOException;

/** The dump was deleted (retention, the operator) between being looked up and being written to. */
public final class DumpDeletedException extends IOException {

    public DumpDeletedException(String message) {
        super(message);
    }
}
