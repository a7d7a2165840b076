package io.vmcored.server.net;

/** A network front end of the daemon (TCP ingest, HTTP, SSH), built with everything it needs. */
public interface Listener extends AutoCloseable {

    /** Short name for logs and ports: tcp, http, ssh. */
    String name();

    /** Binds and starts serving; may block until bound. */
    void start() throws Exception;

    /** The bound port (useful with port 0), or -1 before start. */
    int port();

    /** Stops accepting new connections; those open go on (a graceful stop drains them). */
    void stopAccepting() throws Exception;

    /** Stops accepting and closes open connections; in-flight uploads end incomplete. */
    @Override
    void close() throws Exception;
}
