package io.vmcored.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmcored.server.config.ServerConfig;
import io.vmcored.server.daemon.VmcoredServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real vmcored in this JVM, on loopback, with its own spool: TCP and HTTP ingest, and the
 * SSH receiver when {@link #ssh(int)} asked for it (as {@code vmcored serve} adds it).
 */
final class TestServer implements AutoCloseable {

    private final ServerConfig config = new ServerConfig();
    private final Path spool;
    private VmcoredServer server;

    /** ports 0 = any free one; extra config keys as in docs/server.md. */
    TestServer(Path dir, int tcpPort, int httpPort, Map<String, String> settings) {
        spool = dir.resolve("spool");
        config.bind = "127.0.0.1";
        config.ingestPort = tcpPort;
        config.httpPort = httpPort;
        config.spoolDir = spool;
        config.stateDir = dir.resolve("state");
        config.set("ssh.port", "-1");
        config.set("spool.min-free", "1M");
        settings.forEach(config::set);
    }

    /** Adds the SSH listener on {@code port} (0 = any free one); call before {@link #start()}. */
    TestServer ssh(int port) {
        config.set("ssh.port", Integer.toString(port));
        return this;
    }

    TestServer start() throws Exception {
        server = new VmcoredServer(config).start();
        return this;
    }

    int sshPort() {
        return server.port("ssh");
    }

    Path stateDir() {
        return config.stateDir;
    }

    int tcpPort() {
        return server.port("tcp");
    }

    int httpPort() {
        return server.port("http");
    }

    /** Every dump directory ({@code <spool>/<host>/<time>}) that has a manifest. */
    List<Path> dumps() {
        if (!Files.isDirectory(spool)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(spool, 3)) {
            return s.filter(p -> p.getFileName().toString().equals("manifest.json")).map(Path::getParent).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The single dump directory; fails naming what is there otherwise. */
    Path onlyDump() {
        List<Path> d = dumps();
        if (d.size() != 1) {
            throw new AssertionError("expected exactly one dump in " + spool + ", found " + d);
        }
        return d.get(0);
    }

    static JsonNode manifest(Path dumpDir) throws IOException {
        return new ObjectMapper().readTree(dumpDir.resolve("manifest.json").toFile());
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }
}
