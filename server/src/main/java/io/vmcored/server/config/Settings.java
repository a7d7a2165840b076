package io.vmcored.server.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every configuration key in one table: parsing ({@code --config}, {@code --set}), the
 * effective values ({@code check-config}), the shipped template, and which keys a reload
 * applies. Keys the running server reads again after a reload are reloadable; the rest
 * (addresses, directories, thread pools, buffers, TLS, the SSH receiver) take a restart.
 */
public final class Settings {

    private static final String SECRET_SET = "(set)";
    private static final List<Setting> TABLE = new ArrayList<>();

    static {
        restart("bind", "Address of every listener; anything but loopback needs auth.operator-token.",
                (c, k, v) -> c.bind = v, c -> c.bind);
        restart("ingest.port", "Raw TCP ingest port (0 = any free port, -1 = off).",
                (c, k, v) -> c.ingestPort = Sizes.integer(k, v), c -> Integer.toString(c.ingestPort));
        restart("http.port", "HTTP API, metrics and console port (0 = any free port, -1 = off).",
                (c, k, v) -> c.httpPort = Sizes.integer(k, v), c -> Integer.toString(c.httpPort));
        restart("ssh.port", "SSH receiver port for distribution kdump clients (0 = any free port, -1 = off).",
                (c, k, v) -> c.ssh.port(Sizes.integer(k, v)), c -> Integer.toString(c.ssh.port()));
        restart("spool.dir", "Where dumps are stored (created 0700).",
                (c, k, v) -> c.spoolDir = Path.of(v), c -> c.spoolDir.toString());
        restart("state.dir", "Keys and host keys (created 0700).",
                (c, k, v) -> c.stateDir = Path.of(v), c -> c.stateDir.toString());
        reload("spool.min-free", "Watermark: below this much free space new uploads are refused and running ones stop.",
                (c, k, v) -> c.minFreeBytes = Sizes.bytes(k, v), c -> Sizes.bytes(c.minFreeBytes));
        reload("retention.max-age", "Delete dumps older than this (0 = keep forever).",
                (c, k, v) -> c.retentionMaxAge = Sizes.duration(k, v), c -> Sizes.duration(c.retentionMaxAge));
        reload("retention.max-per-host", "Keep the newest N dumps of each host (0 = all).",
                (c, k, v) -> c.retentionMaxPerHost = Sizes.integer(k, v), c -> Integer.toString(c.retentionMaxPerHost));
        reload("retention.max-total", "Delete the oldest dumps while the spool holds more than this (0 = no limit).",
                (c, k, v) -> c.retentionMaxTotalBytes = Sizes.bytes(k, v), c -> Sizes.bytes(c.retentionMaxTotalBytes));
        restart("retention.interval", "How often retention runs; it never touches a dump in flight.",
                (c, k, v) -> c.retentionInterval = Sizes.duration(k, v), c -> Sizes.duration(c.retentionInterval));
        reload("shutdown.drain", "On SIGTERM, how long uploads in flight may go on before they are cut (resumable).",
                (c, k, v) -> c.drainTime = Sizes.duration(k, v), c -> Sizes.duration(c.drainTime));
        reload("steer.dmesg-only-below", "Free space below which agents are asked for the kernel log only (0 = never).",
                (c, k, v) -> c.steerDmesgOnlyBelow = Sizes.bytes(k, v), c -> Sizes.bytes(c.steerDmesgOnlyBelow));
        reload("steer.host-dumps", "With this many dumps of a host stored, ask its agent for steer.level (0 = never).",
                (c, k, v) -> c.steerHostDumps = Sizes.integer(k, v), c -> Integer.toString(c.steerHostDumps));
        reload("steer.level", "makedumpfile dump level asked for by steer.host-dumps (0..31).",
                (c, k, v) -> c.steerLevel = Sizes.integer(k, v), c -> Integer.toString(c.steerLevel));
        reload("steer.compress", "Compression asked for by steer.host-dumps: zlib, lzo, none, or empty (as configured).",
                (c, k, v) -> c.steerCompress = v, c -> c.steerCompress);
        reload("admission.full-per-signature", "Full dumps per crash signature per admission.window; later hosts with"
                + " that crash send the kernel log only (0 = no limit).",
                (c, k, v) -> c.admissionFullPerSignature = Sizes.integer(k, v),
                c -> Integer.toString(c.admissionFullPerSignature));
        reload("admission.window", "The window of admission.full-per-signature.",
                (c, k, v) -> c.admissionWindow = Sizes.duration(k, v), c -> Sizes.duration(c.admissionWindow));
        reload("admission.max-concurrent-full", "Full dumps sent at once; other senders wait their turn (0 = no cap).",
                (c, k, v) -> c.admissionMaxConcurrentFull = Sizes.integer(k, v),
                c -> Integer.toString(c.admissionMaxConcurrentFull));
        reload("admission.wait", "How long a sender told to wait waits before asking again (plus jitter).",
                (c, k, v) -> c.admissionWait = Sizes.duration(k, v), c -> Sizes.duration(c.admissionWait));
        reload("admission.forecast", "Estimate each dump's size before it starts; kernel log only if the spool would fall"
                + " below spool.min-free.", (c, k, v) -> c.admissionForecast = Sizes.bool(k, v),
                c -> Boolean.toString(c.admissionForecast));
        reload("admission.always-full-hosts", "Hosts that always send a full dump, comma-separated (within the cap).",
                (c, k, v) -> {
                    c.admissionAlwaysFullHosts.clear();
                    for (String h : v.split("[,\\s]+")) {
                        if (!h.isEmpty()) {
                            c.admissionAlwaysFullHosts.add(h);
                        }
                    }
                }, c -> String.join(",", c.admissionAlwaysFullHosts));
        restart("limits.max-dump-size", "Records ending beyond this offset are refused.",
                (c, k, v) -> c.maxDumpSize = Sizes.bytes(k, v), c -> Sizes.bytes(c.maxDumpSize));
        restart("limits.idle-timeout", "A connection sending nothing this long is ended (incomplete, resumable).",
                (c, k, v) -> c.idleTimeout = Sizes.duration(k, v), c -> Sizes.duration(c.idleTimeout));
        restart("limits.connection-buffer", "Bytes a connection may always queue for the disk before it stops reading.",
                (c, k, v) -> c.connectionBufferBytes = intBytes(k, v), c -> Sizes.bytes(c.connectionBufferBytes));
        restart("limits.connection-buffer-max", "... and up to this many while all together stay under limits.ingest-buffer.",
                (c, k, v) -> c.connectionBufferMaxBytes = intBytes(k, v), c -> Sizes.bytes(c.connectionBufferMaxBytes));
        restart("limits.ingest-buffer", "Bytes all connections together may queue beyond their own buffers.",
                (c, k, v) -> c.ingestBufferBytes = Sizes.bytes(k, v), c -> Sizes.bytes(c.ingestBufferBytes));
        restart("limits.max-connections", "TCP and HTTP connections at once; more are closed at once (busy).",
                (c, k, v) -> c.maxConnections = Sizes.integer(k, v), c -> Integer.toString(c.maxConnections));
        restart("threads.io", "Event-loop threads shared by TCP, HTTP and SSH (0 = twice the cores).",
                (c, k, v) -> c.ioThreads = Sizes.integer(k, v), c -> Integer.toString(c.ioThreads));
        restart("threads.file", "Threads for blocking file I/O.",
                (c, k, v) -> c.fileThreads = Sizes.integer(k, v), c -> Integer.toString(c.fileThreads));
        restart("threads.file-queue", "File tasks that may wait for a file thread.",
                (c, k, v) -> c.fileQueue = Sizes.integer(k, v), c -> Integer.toString(c.fileQueue));
        secret("auth.operator-token", "Lists, reads, downloads and deletes dumps; may upload any host's (>= 8 characters).",
                (c, k, v) -> c.operatorToken = v, c -> c.operatorToken);
        secret("auth.viewer-token", "Reads, lists and downloads everything (the console's read-only login); deletes nothing (>= 8 characters).",
                (c, k, v) -> c.viewerToken = v, c -> c.viewerToken);
        secret("auth.upload-token", "The fleet's upload token: creates and resumes dumps, never reads, lists or replaces.",
                (c, k, v) -> c.uploadToken = v, c -> c.uploadToken);
        secret("auth.host-token.*", "A token that may upload only this host's dumps: auth.host-token.HOST = TOKEN.",
                (c, k, v) -> c.hostTokens.put(k.substring("auth.host-token.".length()), v), c -> null);
        reload("auth.insecure-open", "Off loopback without tokens, for a lab: anyone who reaches the ports may read every dump.",
                (c, k, v) -> c.insecureOpen = Sizes.bool(k, v), c -> Boolean.toString(c.insecureOpen));
        restart("tls.cert", "PEM certificate chain for TLS (with tls.key).",
                (c, k, v) -> c.tlsCert = v.isEmpty() ? null : Path.of(v), c -> text(c.tlsCert));
        restart("tls.key", "PEM PKCS#8 private key for TLS.",
                (c, k, v) -> c.tlsKey = v.isEmpty() ? null : Path.of(v), c -> text(c.tlsKey));
        restart("tls.ingest", "Whether the TCP ingest port uses TLS when a certificate is set.",
                (c, k, v) -> c.tlsIngest = Sizes.bool(k, v), c -> Boolean.toString(c.tlsIngest));
        restart("tls.http", "Whether the HTTP port uses TLS when a certificate is set.",
                (c, k, v) -> c.tlsHttp = Sizes.bool(k, v), c -> Boolean.toString(c.tlsHttp));
        reload("log.level", "Level of vmcored's own log: error, warn, info, debug or trace.",
                (c, k, v) -> c.logLevel = v.toLowerCase(Locale.ROOT), c -> c.logLevel);
        TABLE.add(new Setting("ssh.enroll-password", "Password that lets ssh-copy-id enroll a host's key (empty = none).",
                false, true, (c, k, v) -> c.ssh.options().put("enroll-password", v), c -> c.ssh.option("enroll-password", "")));
        restart("ssh.base-paths", "Client paths that map to a host's area, comma-separated.",
                (c, k, v) -> c.ssh.options().put("base-paths", v), c -> c.ssh.option("base-paths", SshSettings.BASE_PATHS));
        restart("ssh.ciphers", "Ciphers offered to SSH clients, comma-separated.",
                (c, k, v) -> c.ssh.options().put("ciphers", v), c -> c.ssh.option("ciphers", SshSettings.CIPHERS));
        restart("ssh.settle-seconds", "A dump with no SSH session for this many seconds is ended as it stands.",
                (c, k, v) -> c.ssh.options().put("settle-seconds", v), c -> c.ssh.option("settle-seconds",
                        Long.toString(SshSettings.SETTLE.toSeconds())));
        CrashSettings.register();
        StoreSettings.register();
        FleetSettings.register();
    }

    private Settings() {
    }

    static void restart(String key, String doc, Setting.Apply apply, Function<ServerConfig, String> show) {
        TABLE.add(new Setting(key, doc, false, false, apply, show));
    }

    static void reload(String key, String doc, Setting.Apply apply, Function<ServerConfig, String> show) {
        TABLE.add(new Setting(key, doc, true, false, apply, show));
    }

    static void secret(String key, String doc, Setting.Apply apply, Function<ServerConfig, String> show) {
        TABLE.add(new Setting(key, doc, true, true, apply, show));
    }

    public static List<Setting> all() {
        return List.copyOf(TABLE);
    }

    public static Optional<Setting> find(String key) {
        return TABLE.stream().filter(s -> s.matches(key)).findFirst();
    }

    /** Every key with its value in {@code config}, in table order; a family lists its members. */
    public static Map<String, String> values(ServerConfig config) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Setting s : TABLE) {
            if (s.family()) {
                // the only family: host tokens
                config.hostTokens.forEach((host, token) -> out.put(s.prefix() + host, token));
            } else {
                out.put(s.key(), s.show().apply(config));
            }
        }
        return out;
    }

    /** What an operator may see of a value: a secret only as set or empty. */
    public static String shown(String key, String value) {
        boolean secret = find(key).map(Setting::secret).orElse(false);
        return secret && !value.isEmpty() ? SECRET_SET : value;
    }

    /**
     * A properties file with every key commented out at its default and its description: the
     * shipped configuration file.
     */
    public static String template() {
        ServerConfig defaults = new ServerConfig();
        StringBuilder b = new StringBuilder();
        b.append("# vmcored configuration (Java properties). Every key is shown at its default, commented out.\n")
                .append("# Check a change with: vmcored check-config --config FILE; apply it with: systemctl reload vmcored\n")
                .append("# (keys marked [restart] take effect at the next start). Sizes: 4096, 512M, 2G; durations: 30s, 5m, 14d.\n");
        for (Setting s : TABLE) {
            b.append('\n').append("# ").append(s.doc()).append(s.reloadable() ? "" : " [restart]").append('\n');
            String key = s.family() ? s.prefix() + "HOST" : s.key();
            String value = s.family() ? "" : s.show().apply(defaults);
            b.append('#').append(key).append(" =").append(value.isEmpty() ? "" : " " + value).append('\n');
        }
        return b.toString();
    }

    private static int intBytes(String key, String v) {
        return (int) Math.min(Integer.MAX_VALUE, Sizes.bytes(key, v));
    }

    private static String text(Object o) {
        return o == null ? "" : o.toString();
    }
}
