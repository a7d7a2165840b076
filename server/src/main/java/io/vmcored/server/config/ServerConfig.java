package io.vmcored.server.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.TreeMap;

/**
 * Everything {@code vmcored serve} needs, with embedded defaults that work with no config
 * file at all (loopback, unprivileged ports, spool under {@code ./var}).
 *
 * <p>File format: Java properties; the keys are the table in {@link Settings} (also listed in
 * docs/server.md). Sizes take K/M/G/T suffixes, durations s/m/h/d. {@link #set(String, String)}
 * applies one key (the loader and {@code --set key=value} both use it), {@link #validate()}
 * reports all mistakes at once, naming where each was set, the value and the expectation.
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

    /** Admission after the kernel log: at most this many full dumps per crash signature per window; 0 = no limit. */
    public int admissionFullPerSignature = 3;
    public Duration admissionWindow = Duration.ofHours(24);
    /** Full dumps sent at once (granted or running); the others are told to wait. 0 = no cap. */
    public int admissionMaxConcurrentFull = 16;
    /** How long a sender told to wait waits before it asks again (it adds jitter). */
    public Duration admissionWait = Duration.ofSeconds(30);
    /** Estimate a dump's size before it starts and send the kernel log only when the spool would fall below its watermark. */
    public boolean admissionForecast = true;
    /** Hosts that always send a full dump (within the concurrency cap). */
    public final Set<String> admissionAlwaysFullHosts = new TreeSet<>();

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

    /** Level of vmcored's own loggers. */
    public String logLevel = "info";
    public static final List<String> LOG_LEVELS = List.of("error", "warn", "info", "debug", "trace");

    public final SshSettings ssh = new SshSettings();
    /** Crash analysis and event hooks: {@code analysis.*}, {@code events.*}. */
    public final CrashSettings crash = new CrashSettings();
    /** A catalog shared by several collectors: {@code catalog.*}, {@code node.name}. */
    public final FleetSettings fleet = new FleetSettings();

    public final StoreSettings store = new StoreSettings();

    /** Where each key was set: {@code FILE:LINE} or {@code --set}; mistakes are reported there. */
    private final Map<String, String> origins = new HashMap<>();

    /**
     * Reads a properties file over the current values. Every bad line is reported at once, each
     * as {@code FILE:LINE: problem}, in one {@link ConfigException}.
     */
    public ServerConfig load(Path file) throws IOException {
        Problems p = new Problems(origins);
        for (ConfigFile.Entry e : ConfigFile.read(file)) {
            try {
                set(e.key(), e.value(), e.origin());
            } catch (IllegalArgumentException ex) {
                p.at(e.origin(), ex.getMessage());
            }
        }
        p.throwIfAny();
        return this;
    }

    /** Applies one {@code key=value}; unknown keys are an error so typos do not pass silently. */
    public ServerConfig set(String key, String value) {
        return set(key, value, "--set");
    }

    public ServerConfig set(String key, String value, String origin) {
        Setting s = Settings.find(key).orElseThrow(() -> new IllegalArgumentException(
                "unknown configuration key \"" + key + "\" (vmcored check-config --template lists them)"));
        s.apply().to(this, key, value.trim());
        origins.put(key, origin);
        return this;
    }

    /** Where {@code key} was set ({@code FILE:LINE}, {@code --set}), or null for a default. */
    public String origin(String key) {
        return origins.get(key);
    }

    /**
     * Throws one {@link ConfigException} naming every wrong value, where it was set and what
     * was expected.
     */
    public ServerConfig validate() {
        Problems p = new Problems(origins);
        try {
            InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            p.add("bind = \"" + bind + "\": expected an IP address or resolvable name");
        }
        p.port("ingest.port", ingestPort);
        p.port("http.port", httpPort);
        ssh.validate(p);
        crash.validate(p);
        store.validate(p);
        fleet.validate(p);
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
        p.atLeast("admission.full-per-signature", admissionFullPerSignature, 0);
        p.atLeast("admission.max-concurrent-full", admissionMaxConcurrentFull, 0);
        if (admissionWindow.toMinutes() < 1) {
            p.add("admission.window = " + admissionWindow + ": expected at least 1m");
        }
        if (admissionWait.toSeconds() < 1 || admissionWait.toHours() > 1) {
            p.add("admission.wait = " + admissionWait + ": expected 1s to 1h");
        }
        if (!LOG_LEVELS.contains(logLevel)) {
            p.add("log.level = \"" + logLevel + "\": expected one of " + String.join(", ", LOG_LEVELS));
        }
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
