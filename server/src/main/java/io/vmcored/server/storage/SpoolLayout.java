package io.vmcored.server.storage;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where dumps live: {@code <spool>/<host>/<YYYY-MM-DD-HH:MM:SS>/} (the layout RHEL kdump users
 * know), with {@code .N} appended when two dumps of a host start in the same second.
 * Collectors sharing a bucket or a catalog add their node name ({@code -NODE} after the time),
 * so that two of them never name a dump of one host alike.
 * Host and file names from the wire are checked here so no client can escape the spool.
 */
public final class SpoolLayout {

    public static final DateTimeFormatter DIR_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd-HH:mm:ss");
    private static final int MAX_NAME = 128;

    private static final int MAX_PER_SECOND = 1000;

    private final Path spool;
    /**
     * Per host directory, the suffix to try first in the current second. Why: many dumps of
     * one host in one second (128 uploads filed under one NAT or loopback address) would
     * otherwise probe 1, 2, ... n taken names each, n^2/2 failed mkdirs in all.
     */
    private final Map<Path, Suffix> nextSuffix = new ConcurrentHashMap<>();
    /** {@code -NODE} on a collector of several, else empty. */
    private volatile String node = "";

    private record Suffix(String base, int next) {
    }

    public SpoolLayout(Path spool) {
        this.spool = spool.toAbsolutePath().normalize();
    }

    public Path spool() {
        return spool;
    }

    /** Names new dump directories {@code TIME-NODE}: unique across collectors sharing storage. */
    public void node(String name) {
        node = "-" + checkName("node name", name);
    }

    /** Creates a fresh dump directory (mode 0700: dumps hold the crashed machine's secrets). */
    public Path newDumpDirectory(String host, LocalDateTime now) throws IOException {
        Path hostDir = hostDirectory(host);
        PrivateFiles.directories(hostDir);
        String base = DIR_TIME.format(now) + node;
        Suffix hint = nextSuffix.get(hostDir);
        for (int n = hint != null && hint.base.equals(base) ? hint.next : 0; n < MAX_PER_SECOND; n++) {
            Path dir = hostDir.resolve(n == 0 ? base : base + "." + n);
            try {
                Files.createDirectory(dir, PrivateFiles.DIR);
                nextSuffix.put(hostDir, new Suffix(base, n + 1));
                return dir;
            } catch (FileAlreadyExistsException e) {
                // same second: try the next suffix
            }
        }
        throw new IOException("cannot create a dump directory for host " + host + " at " + base
                + ": " + MAX_PER_SECOND + " dumps in one second already exist");
    }

    public Path newDumpDirectory(String host) throws IOException {
        return newDumpDirectory(host, LocalDateTime.now(ZoneId.systemDefault()));
    }

    public Path hostDirectory(String host) {
        return spool.resolve(checkHost(host));
    }

    /** A client-named directory (SSH {@code mkdir -p}) under a host. */
    public Path namedDirectory(String host, String name) {
        return hostDirectory(host).resolve(checkName("directory name", name));
    }

    /** Host names become directory names: letters, digits, '.', '-', '_', ':' (IPv6) only. */
    public static String checkHost(String host) {
        if (host == null || host.isEmpty() || host.length() > MAX_NAME || !host.matches("[A-Za-z0-9._:-]+")
                || host.startsWith(".")) {
            throw new IllegalArgumentException("host \"" + host + "\": expected 1.." + MAX_NAME
                    + " characters of A-Z a-z 0-9 . - _ : not starting with '.'");
        }
        return host;
    }

    /** A single path element a client may choose: no separators, no dot files, bounded length. */
    public static String checkName(String what, String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME || name.contains("/") || name.contains("\0")
                || name.startsWith(".")) {
            throw new IllegalArgumentException(what + " \"" + name + "\": expected 1.." + MAX_NAME
                    + " characters without '/' and not starting with '.'");
        }
        return name;
    }
}
