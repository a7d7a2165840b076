package io.vmcored.server.net;

import io.vmcored.server.daemon.ServerContext;
/**
 * A network front end started by {@link VmcoredServer} on the shared event-loop group:
 * TCP ingest, HTTP, and the SSH receiver (added with {@link VmcoredServer#addListener}).
 */
public interface Listener extends AutoCloseable {

    /** Short name for logs and {@link VmcoredServer#port(String)}: tcp, http, ssh. */
    String name();

    /** Binds and starts serving; may block until bound. */
    void start(ServerContext context) throws Exception;

    /** The bound port (useful with port 0), or -1 before start. */
    int port();

    /** Stops accepting and closes open connections; in-flight uploads end incomplete. */
    @Override
    void close() throws Exception;
}
