package io.vmcored.server.net;

import java.io.IOException;

/** A listener could not bind: says which listener, address and port (a port clash at start). */
public final class BindFailure extends IOException {

    public BindFailure(String listener, String address, int port, Throwable cause) {
        super(listener + " listener cannot listen on " + address + ":" + port + ": "
                + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()), cause);
    }
}
