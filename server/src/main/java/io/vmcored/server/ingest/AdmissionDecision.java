package io.vmcored.server.ingest;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the collector answers a sender that asks to send its dump: send it in full, reduced
 * (another dump level or compression), the kernel log only, or come back later; and why.
 * Carried to the sender as steering fields ({@code steer-mode}, {@code steer-level},
 * {@code steer-compress}, {@code steer-wait}, {@code steer-decision}, {@code steer-reason}).
 *
 * @param signature the crash signature the decision was made on, or null
 */
public record AdmissionDecision(Kind kind, String reason, String signature, int level, String compress,
        Duration waitFor) {

    /** The four answers, by their wire names. */
    public enum Kind {
        FULL("full"), REDUCED("reduced"), DMESG("dmesg"), WAIT("wait");

        private final String wire;

        Kind(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        static Kind of(String wire) {
            for (Kind k : values()) {
                if (k.wire.equals(wire)) {
                    return k;
                }
            }
            return null;
        }
    }

    static AdmissionDecision full(String reason, String signature) {
        return new AdmissionDecision(Kind.FULL, reason, signature, -1, "", Duration.ZERO);
    }

    static AdmissionDecision reduced(String reason, String signature, int level, String compress) {
        return new AdmissionDecision(Kind.REDUCED, reason, signature, level, compress, Duration.ZERO);
    }

    static AdmissionDecision dmesg(String reason, String signature) {
        return new AdmissionDecision(Kind.DMESG, reason, signature, -1, "", Duration.ZERO);
    }

    static AdmissionDecision waitFor(String reason, String signature, Duration wait) {
        return new AdmissionDecision(Kind.WAIT, reason, signature, -1, "", wait);
    }

    /** True when the dump itself is to be sent (full or reduced). */
    public boolean sendsDump() {
        return kind == Kind.FULL || kind == Kind.REDUCED;
    }

    /** The steering fields for the sender (without the {@code steer-} prefix). */
    public Map<String, String> steer() {
        Map<String, String> s = new LinkedHashMap<>();
        switch (kind) {
            case DMESG -> s.put("mode", "dmesg");
            case WAIT -> {
                s.put("mode", "wait");
                s.put("wait", Long.toString(Math.max(1, waitFor.toSeconds())));
            }
            case REDUCED -> {
                s.put("level", Integer.toString(level));
                if (!compress.isEmpty()) {
                    s.put("compress", compress);
                }
            }
            case FULL -> {
            }
        }
        s.put("decision", kind.wire());
        s.put("reason", reason);
        return s;
    }

    /** As kept in the manifest ({@code admission}). */
    Map<String, String> record(String at) {
        Map<String, String> m = new LinkedHashMap<>(steer());
        if (signature != null) {
            m.put("signature", signature);
        }
        m.put("at", at);
        return m;
    }
}
