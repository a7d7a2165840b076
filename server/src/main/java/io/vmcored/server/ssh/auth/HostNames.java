package io.vmcored.server.ssh.auth;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.regex.Pattern;

/**
 * Host identities: the name of a host's area in the spool ({@code <spool>/<host>/}), so they
 * must be safe directory names. Allowed: letters, digits, {@code . _ -}, 1..64 characters,
 * not starting with a dot (no {@code .}, {@code ..}, no hidden directories).
 */
public final class HostNames {

    public static final int MAX_LENGTH = 64;
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}");

    private HostNames() {
    }

    public static boolean isValid(String host) {
        return host != null && VALID.matcher(host).matches();
    }

    /** Returns {@code host} or throws naming the value and the rule. */
    public static String require(String host) {
        if (!isValid(host)) {
            throw new IllegalArgumentException("host identity '" + host + "' is invalid: expected 1-" + MAX_LENGTH
                    + " characters of [A-Za-z0-9._-], not starting with '.'");
        }
        return host;
    }

    /**
     * The identity given to a host enrolled by password: its IP address as the collector sees it,
     * the same name RHEL puts in its dump directories ({@code <ip>-<date>}). IPv6 colons become '-'.
     */
    public static String fromAddress(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            InetAddress ip = inet.getAddress();
            String text = ip == null ? inet.getHostString() : ip.getHostAddress();
            int zone = text.indexOf('%');
            if (zone >= 0) {
                text = text.substring(0, zone);
            }
            String name = text.replace(':', '-');
            if (name.startsWith("-")) {
                name = "ip6" + name;
            }
            return require(name);
        }
        throw new IllegalArgumentException("client address " + address + " is not an IP address");
    }
}
