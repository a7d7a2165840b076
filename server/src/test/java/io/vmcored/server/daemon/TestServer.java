package io.vmcored.server.daemon;

import io.vmcored.server.config.ServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A real vmcored on ephemeral loopback ports with its own spool, for tests with real clients. */
public final class TestServer implements AutoCloseable {

    public final ServerConfig config;
    public final VmcoredServer server;

    private TestServer(ServerConfig config) throws Exception {
        this.config = config;
        this.server = new VmcoredServer(config).start();
    }

    public static ServerConfig config(Path dir) {
        ServerConfig c = new ServerConfig();
        c.ingestPort = 0;
        c.httpPort = 0;
        c.ssh.port(-1);
        c.spoolDir = dir.resolve("spool");
        c.stateDir = dir.resolve("state");
        c.minFreeBytes = 1 << 20;
        c.set("limits.idle-timeout", "20s");
        return c;
    }

    public static TestServer start(ServerConfig c) throws Exception {
        return new TestServer(c);
    }

    public static TestServer start(Path dir) throws Exception {
        return new TestServer(config(dir));
    }

    public int tcp() {
        return server.port("tcp");
    }

    public int http() {
        return server.port("http");
    }

    public ServerContext ctx() {
        return server.context();
    }

    /** Runs {@code sh -c script} with PORT/HTTP exported; returns stdout; fails on a non-zero exit. */
    public String sh(String script) throws IOException, InterruptedException {
        return Shell.run(script, "PORT=" + tcp(), "HTTP=" + http());
    }

    @Override
    public void close() {
        server.close();
    }

    /** Sizes of everything the server keeps in memory are bounded; files are the truth. */
    public static byte[] read(Path p) throws IOException {
        return Files.readAllBytes(p);
    }
}
