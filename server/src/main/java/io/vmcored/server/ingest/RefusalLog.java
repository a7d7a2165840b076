package io.vmcored.server.ingest;

import io.vmcored.server.metrics.IngestMetrics;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refused logins and tokens, visible: one WARN line per refusal with the peer and the reason,
 * and {@code vmcored_auth_failures_total{transport,reason}}. Under a flood the log stays
 * readable: at most one line per peer and second; what was held back is summed up in that
 * peer's next line. The counter counts every refusal.
 */
public final class RefusalLog {

    private static final Logger LOG = LoggerFactory.getLogger(RefusalLog.class);
    private static final long QUIET_NANOS = 1_000_000_000L;
    /** Peers remembered for rate limiting; the oldest is forgotten beyond this. */
    private static final int MAX_PEERS = 10_000;

    private final IngestMetrics metrics;
    private final Map<String, Peer> peers = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Peer> eldest) {
            return size() > MAX_PEERS;
        }
    };

    private static final class Peer {
        long lastLogged;
        int heldBack;
    }

    public RefusalLog(IngestMetrics metrics) {
        this.metrics = metrics;
    }

    /**
     * A refused login or token.
     *
     * @param transport ssh, tcp or http (the metric label)
     * @param peer      the client's address
     * @param reason    a short word (the metric label): unknown_key, bad_password, bad_token, ...
     * @param detail    what identifies the attempt (user, key fingerprint, host), and what to do about it
     */
    public void refused(String transport, String peer, String reason, String detail) {
        metrics.authFailed(transport, reason);
        long now = System.nanoTime();
        int held;
        synchronized (peers) {
            Peer p = peers.computeIfAbsent(peer, k -> new Peer());
            if (p.lastLogged != 0 && now - p.lastLogged < QUIET_NANOS) {
                p.heldBack++;
                return;
            }
            p.lastLogged = now;
            held = p.heldBack;
            p.heldBack = 0;
        }
        LOG.warn("{} refused peer={} reason={} {}{}", transport, peer, reason, detail,
                held == 0 ? "" : " (+" + held + " more refusals of this peer not logged)");
    }
}
