package io.vmcored.server.ssh.exec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * A command that reads the channel's stdin (dd, cat, scp, ssh-copy-id). Called on the session's
 * serial worker, one call at a time; the SSH window is released after {@link #data} returns.
 */
interface InputConsumer {

    /** Consumes the whole buffer (it is not kept). */
    void data(ByteBuffer chunk) throws IOException;

    /** A status >= 0 once the command finished without waiting for EOF (scp -f); -1 while running. */
    default int doneStatus() {
        return -1;
    }

    /**
     * Done (or null) when the command takes stdin now; otherwise stdin stays unread, the SSH
     * window closed and the client waiting, until it completes (the admission's turn).
     */
    default CompletableFuture<Void> ready() {
        return null;
    }

    /** {@link #ready()} completed: called before any queued input is delivered. */
    default void resumed() throws IOException {
    }

    /** The client closed stdin: finish and return the exit status. */
    int eof() throws IOException;

    /** The connection is gone: keep what arrived, record the failure. */
    void abort(String why);
}
