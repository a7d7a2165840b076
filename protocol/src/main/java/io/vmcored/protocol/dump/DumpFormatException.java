package io.vmcored.protocol.dump;

import java.io.IOException;

/** The file is not a dump this code can read, or it is damaged; the message says what and where. */
public class DumpFormatException extends IOException {

    public DumpFormatException(String message) {
        super(message);
    }

    public DumpFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
