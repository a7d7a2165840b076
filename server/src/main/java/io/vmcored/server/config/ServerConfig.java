package io.vmcored.server.config;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Everything {@code vmcored serve} needs, with embedded defaults that work with no config
 * file at all (loopback, unprivileged ports, spool under {@code ./var}).
 *
 * <p>File format: Java properties; the keys are listed in docs/server.md. Sizes take
 * K/M/G/T suffixes, durations s/m/h/d. {@link #set(String, String)} applies one key (the
 * loader and {@code --set key=value} both use it), {@link #validate()} reports all
 * mistakes at once, naming the key, the value and the expectation.
 */
public final class ServerConfig {

    public String bind = "127.0.0.1";
    public int ingestPort = 5555;
    public int httpPort = 8080;
    public Path spoolDir = Path.of("var", "spool");
    public Path stateDir = Path.of("var", "state");

    /** Below this many free bytes in the spool file system new uploads are refused and running ones stopped. */
    public long minFreeBytes = 1L << 30;
    /** Retention: 0 disables each rule. */
    public Duration retentionMaxAge = Duration.ZERO;
    public int retentionMaxPerHost = 0;
    public long retentionMaxTotalBytes = 0;
    public Duration retentionInterval = Duration.ofMinutes(10);
    /** On SIGTERM, how long uploads in flight may go on before they are cut (resumable). */
    public Duration drainTime = Duration.ofSeconds(60);

    /** Steering (issue 5): below this free space the handshake asks agents for the kernel log only; 0 = never. */
    public long steerDmesgOnlyBelow = 0;
    /** Steering: with this many dumps of a host already stored, ask for the given level/compression; 0 = never. */
    public int steerHostDumps = 0;
    public int steerLevel = 31;
    public String steerCompress = "";

    public long maxDumpSize = 16L << 40;
    public Duration idleTimeout = Duration.ofMinutes(5);
    /** Bytes a connection may always have queued for the disk before it stops reading. */
    public int connectionBufferBytes = 1 << 20;
    /** ... and up to this many while all connections together stay under {@link #ingestBufferBytes}. */
    public int connectionBufferMaxBytes = 8 << 20;
    public long ingestBufferBytes = 64L << 20;
    public int maxConnections = 1024;
    public int ioThreads = 0;
    public int fileThreads = 8;
    public int fileQueue = 4096;

    public String operatorToken = "";
    /** The fleet's upload token: creates dumps of any host, never reads, lists or replaces a complete file. */
    public String uploadToken = "";
    /** Read-only: lists, reads and downloads dumps (API and console), deletes nothing. */
    public String viewerToken = "";
    /** Off loopback without tokens, for a lab: anyone who reaches the ports may upload and read. */
    public boolean insecureOpen;
    /** host name -> token that may upload (only) that host's dumps. */
    public final Map<String, String> hostTokens = new TreeMap<>();

    public Path tlsCert;
    public Path tlsKey;
    public boolean tlsIngest = false;
    public boolean tlsHttp = true;

    public final SshSettings ssh = new SshSettings();
    /** Crash analysis and event hooks: {@code analysis.*}, {@code events.*}. */
    public final CrashSettings crash = new CrashSettings();

    /** Reads a properties file over the current values. */
    public ServerConfig load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        for (String key : new TreeMap<>(p).keySet().toArray(String[]::new)) {
            set(key, p.getProperty(key));
        }
        return this;
    }

    /** Applies one {@code key=value}; unknown keys are an error so typos do not pass silently. */
    public ServerConfig set(String key, String value) {
        String v = value.trim();
        switch (key) {
            case "bind" -> bind = v;
            case "ingest.port" -> ingestPort = Sizes.integer(key, v);
            case "http.port" -> httpPort = Sizes.integer(key, v);
            case "ssh.port" -> ssh.port(Sizes.integer(key, v));
            case "spool.dir" -> spoolDir = Path.of(v);
            case "state.dir" -> stateDir = Path.of(v);
            case "spool.min-free" -> minFreeBytes = Sizes.bytes(key, v);
            case "retention.max-age" -> retentionMaxAge = Sizes.duration(key, v);
            case "retention.max-per-host" -> retentionMaxPerHost = Sizes.integer(key, v);
            case "retention.max-total" -> retentionMaxTotalBytes = Sizes.bytes(key, v);
            case "retention.interval" -> retentionInterval = Sizes.duration(key, v);
            case "shutdown.drain" -> drainTime = Sizes.duration(key, v);
            case "steer.dmesg-only-below" -> steerDmesgOnlyBelow = Sizes.bytes(key, v);
            case "steer.host-dumps" -> steerHostDumps = Sizes.integer(key, v);
            case "steer.level" -> steerLevel = Sizes.integer(key, v);
            case "steer.compress" -> steerCompress = v;
            case "limits.max-dump-size" -> maxDumpSize = Sizes.bytes(key, v);
            case "limits.idle-timeout" -> idleTimeout = Sizes.duration(key, v);
            case "limits.connection-buffer" -> connectionBufferBytes = (int) Math.min(Integer.MAX_VALUE, Sizes.bytes(key, v));
            case "limits.connection-buffer-max" ->
                    connectionBufferMaxBytes = (int) Math.min(Integer.MAX_VALUE, Sizes.bytes(key, v));
            case "limits.ingest-buffer" -> ingestBufferBytes = Sizes.bytes(key, v);
            case "limits.max-connections" -> maxConnections = Sizes.integer(key, v);
            case "threads.io" -> ioThreads = Sizes.integer(key, v);
            case "threads.file" -> fileThreads = Sizes.integer(key, v);
            case "threads.file-queue" -> fileQueue = Sizes.integer(key, v);
            case "auth.operator-token" -> operatorToken = v;
            case "auth.upload-token" -> uploadToken = v;
            case "auth.viewer-token" -> viewerToken = v;
            case "auth.insecure-open" -> insecureOpen = Boolean.parseBoolean(v);
            case "tls.cert" -> tlsCert = v.isEmpty() ? null : Path.of(v);
            case "tls.key" -> tlsKey = v.isEmpty() ? null : Path.of(v);
            case "tls.ingest" -> tlsIngest = Boolean.parseBoolean(v);
            case "tls.http" -> tlsHttp = Boolean.parseBoolean(v);
            default -> {
                if (key.startsWith("auth.host-token.") && key.length() > "auth.host-token.".length()) {
                    hostTokens.put(key.substring("auth.host-token.".length()), v);
                } else if (key.startsWith("ssh.") && key.length() > 4) {
                    ssh.options().put(key.substring(4), v);
                } else if ((key.startsWith("analysis.") || key.startsWith("events.")) && crash.set(key, v)) {
                    return this;
                } else {
                    throw new IllegalArgumentException("unknown configuration key \"" + key + "\" (see docs/server.md)");
                }
            }
        }
        return this;
    }

    /** Throws one IllegalArgumentException naming every wrong value and what was expected. */
    public ServerConfig validate() {
        Problems p = new Problems();
        try {
            InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            p.add("bind = \"" + bind + "\": expected an IP address or resolvable name");
        }
        p.port("ingest.port", ingestPort);
        p.port("http.port", httpPort);
        ssh.validate(p);
        crash.validate(p);
        p.atLeast("spool.min-free", minFreeBytes, 0);
        p.atLeast("retention.max-per-host", retentionMaxPerHost, 0);
        p.atLeast("retention.max-total", retentionMaxTotalBytes, 0);
        if (retentionMaxAge.isNegative()) {
            p.add("retention.max-age = " + retentionMaxAge + ": expected >= 0 (0 = keep forever)");
        }
        if (drainTime.isNegative()) {
            p.add("shutdown.drain = " + drainTime + ": expected >= 0");
        }
        if (retentionInterval.toSeconds() < 1) {
            p.add("retention.interval = " + retentionInterval + ": expected at least 1s");
        }
        p.between("steer.level", steerLevel, 0, 31);
        if (!steerCompress.isEmpty() && !steerCompress.matches("zlib|lzo|none")) {
            p.add("steer.compress = \"" + steerCompress + "\": expected zlib, lzo or none");
        }
        p.atLeast("limits.max-dump-size", maxDumpSize, 1);
        p.atLeast("limits.connection-buffer", connectionBufferBytes, 64 << 10);
        p.atLeast("limits.connection-buffer-max", connectionBufferMaxBytes, connectionBufferBytes);
        p.atLeast("limits.ingest-buffer", ingestBufferBytes, 0);
        p.between("limits.max-connections", maxConnections, 1, 1_000_000);
        if (idleTimeout.toMillis() < 100) {
            p.add("limits.idle-timeout = " + idleTimeout + ": expected at least 100ms");
        }
        p.between("threads.io", ioThreads, 0, 1024);
        p.between("threads.file", fileThreads, 1, 1024);
        p.between("threads.file-queue", fileQueue, 16, 1_000_000);
        if ((tlsCert == null) != (tlsKey == null)) {
            p.add("tls.cert/tls.key: set both or neither (cert " + tlsCert + ", key " + tlsKey + ")");
        }
        if (tlsCert != null && !Files.isReadable(tlsCert)) {
            p.add("tls.cert = " + tlsCert + ": file not readable");
        }
        if (tlsKey != null && !Files.isReadable(tlsKey)) {
            p.add("tls.key = " + tlsKey + ": file not readable");
        }
        hostTokens.forEach((host, token) -> {
            if (token.length() < 8) {
                p.add("auth.host-token." + host + ": token of " + token.length() + " characters, expected at least 8");
            }
        });
        if (!operatorToken.isEmpty() && operatorToken.length() < 8) {
            p.add("auth.operator-token: " + operatorToken.length() + " characters, expected at least 8");
        }
        if (!viewerToken.isEmpty() && viewerToken.length() < 8) {
            p.add("auth.viewer-token: " + viewerToken.length() + " characters, expected at least 8");
        }
        if (!uploadToken.isEmpty() && uploadToken.length() < 8) {
            p.add("auth.upload-token: " + uploadToken.length() + " characters, expected at least 8");
        }
        if (!loopbackOnly() && operatorToken.isEmpty() && !insecureOpen) {
            p.add("bind = " + bind + " is reachable from other machines but auth.operator-token is not set: set it"
                    + " (and auth.upload-token or auth.host-token.<host> for uploads), or auth.insecure-open = true"
                    + " (--insecure-open) for a lab");
        }
        p.throwIfAny();
        return this;
    }

    /** True when a TLS certificate is configured. */
    public boolean tlsEnabled() {
        return tlsCert != null;
    }

    /**
     * Whether uploads need no token: on loopback until some upload token is configured, or
     * anywhere with {@code auth.insecure-open}.
     */
    public boolean uploadsOpen() {
        return insecureOpen || loopbackOnly() && hostTokens.isEmpty() && uploadToken.isEmpty();
    }

    /** True when the listeners are reachable from loopback only (auth may then be left off). */
    public boolean loopbackOnly() {
        try {
            return InetAddress.getByName(bind).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
