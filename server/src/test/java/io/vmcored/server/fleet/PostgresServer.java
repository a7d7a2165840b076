package io.vmcored.server.fleet;

import io.vmcored.protocol.testsupport.Processes;
import io.vmcored.protocol.testsupport.Requirements;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests, started as a process of its own: Debian's
 * {@code initdb} and {@code pg_ctl} in a temporary directory, listening on a free port of
 * 127.0.0.1 only (its unix socket in that directory too), password (SCRAM) authentication for
 * TCP. initdb refuses root, so as root the server runs as the {@code postgres} user. Can be
 * stopped and started again on the same port and data (a database outage), and makes one
 * database per test. Skips the test (fails it under VMCORED_REQUIRE_ALL=1) without PostgreSQL.
 */
public final class PostgresServer implements AutoCloseable {

    public static final String USER = "vmcored";
    public static final String PASSWORD = "catalog-test-password";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Path bin;
    private final Path dir;
    private final int port;
    private final boolean asPostgres;
    private boolean running;

    private PostgresServer(Path bin, Path dir, int port, boolean asPostgres) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.asPostgres = asPostgres;
    }

    /** initdb in a fresh temporary directory, then start. */
    public static PostgresServer start() throws IOException, InterruptedException {
        Optional<Path> bin = binaries();
        Requirements.require(bin.isPresent(), "PostgreSQL server (/usr/lib/postgresql/*/bin/initdb; Debian package"
                + " postgresql, ./test installs it)");
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            Requirements.require(Processes.run(Duration.ofSeconds(10), "id", "-u", "postgres").exit() == 0,
                    "user postgres (initdb refuses root; Debian's postgresql package creates it)");
        }
        Path dir = Files.createTempDirectory("vmcored-pg-");
        PostgresServer pg = new PostgresServer(bin.get(), dir, freePort(), root);
        Runtime.getRuntime().addShutdownHook(new Thread(pg::stopQuietly, "postgres-stop"));
        if (root) {
            Processes.run(Duration.ofSeconds(10), "chown", "postgres:", dir.toString()).ok();
        }
        Path pw = dir.resolve("pwfile");
        pg.runAs(List.of("sh", "-c", "umask 077 && printf '%s\\n' \"$1\" > \"$2\"", "sh", PASSWORD, pw.toString()));
        pg.runAs(List.of(bin.get().resolve("initdb").toString(), "-D", pg.data().toString(), "-U", USER,
                "--pwfile=" + pw, "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync",
                "--locale=C"));
        pg.start(true);
        return pg;
    }

    /** Starts the server again on the same data and port (after {@link #stop()}). */
    public void start(boolean wait) throws IOException, InterruptedException {
        runAs(List.of(bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-l", dir.resolve("server.log").toString(),
                "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60",
                wait ? "-w" : "-W", "start"));
        running = true;
    }

    /** A fast stop: every connection is cut, as when the database goes away. */
    public void stop() throws IOException, InterruptedException {
        runAs(List.of(bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-m", "fast", "-w", "stop"));
        running = false;
    }

    /** A new, empty database; its JDBC URL (no credentials in it). */
    public String createDatabase(String name) throws SQLException {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return url(name);
    }

    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** A connection as the test's superuser, over TCP with the password. */
    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(url(database), USER, PASSWORD);
    }

    public int port() {
        return port;
    }

    /** The server's own log, for failure messages. */
    public String log() {
        try {
            return Files.readString(dir.resolve("server.log"));
        } catch (IOException e) {
            return "(no server log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws IOException {
        stopQuietly();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private synchronized void stopQuietly() {
        if (running) {
            try {
                stop();
            } catch (IOException | InterruptedException | AssertionError e) {
                // already gone
            }
        }
    }

    private Path data() {
        return dir.resolve("data");
    }

    private void runAs(List<String> command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        if (asPostgres) {
            cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        cmd.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        Processes.Result r = Processes.run(pb, TIMEOUT);
        if (r.exit() != 0) {
            throw new AssertionError(r + "\nserver log:\n" + log());
        }
    }

    private static Optional<Path> binaries() throws IOException {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparing(b -> b.getParent().getFileName().toString()));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
