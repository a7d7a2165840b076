package io.vmcored.server.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * Several collectors sharing one catalog ({@code catalog.*}, {@code node.*}; docs/scale-out.md,
 * "Catalog in PostgreSQL"). Without {@code catalog.url} the collector keeps its embedded
 * catalog and nothing here is used.
 */
public final class FleetSettings {

    /** {@code jdbc:postgresql://HOST:PORT/DB}; empty = the embedded catalog only. */
    public String url = "";
    public String user = "";
    public String password = "";
    /** This collector's name in the shared catalog: which dumps are its own. */
    public String nodeName = defaultNodeName();
    /** How long an upload's lease lasts unless renewed (it is renewed every third of this). */
    /** How agents reach this collector (a host name or address); empty = the node name. */
    public String nodeAddress = "";
    public Duration leaseTime = Duration.ofSeconds(30);
    /** Catalog rows waiting for the database; beyond this they are dropped and rewritten in one pass when it is back. */
    public int queue = 10_000;

    static void register() {
        Settings.restart("catalog.url", "Shared catalog of several collectors: jdbc:postgresql://HOST:PORT/DB (empty = the"
                + " embedded catalog only).", (c, k, v) -> c.fleet.url = v, c -> c.fleet.url);
        Settings.restart("catalog.user", "Database user of catalog.url (or in the URL: ?user=).",
                (c, k, v) -> c.fleet.user = v, c -> c.fleet.user);
        Settings.secret("catalog.password", "Database password of catalog.url (or in the URL: &password=).",
                (c, k, v) -> c.fleet.password = v, c -> c.fleet.password);
        Settings.restart("catalog.lease-time", "An upload's lease in the shared catalog lasts this long unless renewed.",
                (c, k, v) -> c.fleet.leaseTime = Sizes.duration(k, v), c -> Sizes.duration(c.fleet.leaseTime));
        Settings.restart("catalog.queue", "Catalog rows that may wait while the database is unreachable; more are"
                + " rewritten in one pass when it is back.", (c, k, v) -> c.fleet.queue = Sizes.integer(k, v),
                c -> Integer.toString(c.fleet.queue));
        Settings.restart("node.name", "This collector's name in the shared catalog (default: the host name).",
                (c, k, v) -> c.fleet.nodeName = v, c -> c.fleet.nodeName);
        Settings.restart("node.address", "How agents reach this collector (host name or address), told to an agent"
                + " that asks another collector about a dump this one receives (default: node.name).",
                (c, k, v) -> c.fleet.nodeAddress = v, c -> c.fleet.nodeAddress);
    }

    /** The host part of this collector's address for agents. */
    public String address() {
        return nodeAddress.isEmpty() ? nodeName : nodeAddress;
    }

    /** True when a shared catalog is configured. */
    public boolean shared() {
        return !url.isEmpty();
    }

    void validate(Problems p) {
        if (!url.isEmpty() && !url.startsWith("jdbc:postgresql://")) {
            p.add("catalog.url = \"" + url + "\": expected jdbc:postgresql://HOST:PORT/DATABASE");
        }
        if (!nodeName.matches("[A-Za-z0-9._-]{1,64}")) {
            p.add("node.name = \"" + nodeName + "\": expected 1..64 characters of A-Z a-z 0-9 . _ -");
        }
        if (!nodeAddress.isEmpty() && !nodeAddress.matches("[A-Za-z0-9.:_\\[\\]-]{1,253}")) {
            p.add("node.address = \"" + nodeAddress + "\": expected a host name or an IP address");
        }
        if (leaseTime.toSeconds() < 3 || leaseTime.toHours() > 1) {
            p.add("catalog.lease-time = " + leaseTime + ": expected 3s to 1h");
        }
        p.between("catalog.queue", queue, 100, 10_000_000);
    }

    private static String defaultNodeName() {
        try {
            String h = InetAddress.getLocalHost().getHostName();
            int dot = h.indexOf('.');
            String shortName = dot > 0 ? h.substring(0, dot) : h;
            return shortName.matches("[A-Za-z0-9._-]{1,64}") ? shortName : "vmcored";
        } catch (UnknownHostException e) {
            return "vmcored";
        }
    }
}
