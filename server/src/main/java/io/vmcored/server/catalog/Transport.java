package io.vmcored.server.catalog;

import java.util.Locale;

/**
 * How a dump arrived. Its {@link #label()} is the one name used everywhere: the manifest's
 * {@code transport}, the API, event hooks and the {@code transport} label of every metric.
 */
public enum Transport {
    /** The raw TCP ingest port: a bare stream or the agent's handshake. */
    TCP,
    /** The HTTP API's PUT. */
    HTTP,
    /** The SSH receiver: exec commands (dd, cat, scp) and SFTP. */
    SSH;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The transport a manifest names; older manifests said {@code tcp-handshake}. Null if unknown. */
    public static Transport parse(String label) {
        if (label == null) {
            return null;
        }
        if (label.equals("tcp-handshake")) {
            return TCP;
        }
        for (Transport t : values()) {
            if (t.label().equals(label)) {
                return t;
            }
        }
        return null;
    }
}
