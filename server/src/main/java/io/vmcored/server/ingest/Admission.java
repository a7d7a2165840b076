package io.vmcored.server.ingest;

import io.vmcored.server.catalog.DumpCatalog;
import io.vmcored.server.catalog.DumpState;
import io.vmcored.server.config.ServerConfig;
import io.vmcored.server.storage.DiskGuard;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Who may upload or read, whether the disk takes another upload, and what the server asks
 * a sender to change (steering). Policy only; the transports enforce it.
 */
public final class Admission {

    /** Read once per decision: a reload swaps tokens and steering between two decisions, never within one. */
    private final Supplier<ServerConfig> live;
    private final DiskGuard disk;
    private final DumpCatalog catalog;
    /** Other reasons to refuse new uploads (the object store down while the spool runs low). */
    private volatile Supplier<String> alsoRefuse = () -> null;

    public Admission(Supplier<ServerConfig> live, DiskGuard disk, DumpCatalog catalog) {
        this.live = live;
        this.disk = disk;
        this.catalog = catalog;
    }

    /**
     * Token check for uploading {@code host}'s dumps. Open on loopback until an upload token is
     * configured (the operator token alone only guards reading), and with auth.insecure-open;
     * otherwise every upload needs the operator token, the host's own token or the fleet's
     * upload token.
     */
    public boolean mayUpload(String host, String token) {
        ServerConfig config = live.get();
        return config.uploadsOpen() || same(token, config.operatorToken) || same(token, config.hostTokens.get(host))
                || same(token, config.uploadToken);
    }

    /**
     * Whether this token may start a file over that is already complete. The fleet's upload
     * token only creates: one leaked from any host's initramfs must not be able to replace
     * another host's dump.
     */
    public boolean mayReplace(String host, String token) {
        ServerConfig config = live.get();
        return config.uploadsOpen() || same(token, config.operatorToken) || same(token, config.hostTokens.get(host));
    }

    /** Reading and downloading dumps needs the operator or the viewer token (open if no operator token is configured). */
    public boolean mayRead(String token) {
        return mayChange(token) || same(token, live.get().viewerToken);
    }

    /** Deleting dumps is the operator's alone (open if no operator token is configured). */
    public boolean mayChange(String token) {
        ServerConfig config = live.get();
        return config.operatorToken.isEmpty() || same(token, config.operatorToken);
    }

    /** Null if a new upload may start, else the refusal reason for the sender. */
    public String refusal() {
        return disk.low() ? disk.reason() : alsoRefuse.get();
    }

    /** Adds a reason to refuse new uploads: {@code refusal} answers null when it has none. */
    public void refuseWhen(Supplier<String> refusal) {
        alsoRefuse = refusal;
    }

    /** What the server asks this host's agent for; empty when it should send as configured. */
    public Map<String, String> steer(String host) {
        ServerConfig config = live.get();
        Map<String, String> s = new LinkedHashMap<>();
        if (config.steerDmesgOnlyBelow > 0 && disk.free() < config.steerDmesgOnlyBelow) {
            s.put("mode", "dmesg");
            return s;
        }
        if (config.steerHostDumps > 0) {
            long held = catalog.count(host, DumpState.COMPLETE);
            if (held >= config.steerHostDumps) {
                s.put("level", Integer.toString(config.steerLevel));
                if (!config.steerCompress.isEmpty()) {
                    s.put("compress", config.steerCompress);
                }
            }
        }
        return s;
    }

    private static boolean same(String given, String expected) {
        if (given == null || expected == null || expected.isEmpty()) {
            return false;
        }
        return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
    }
}
