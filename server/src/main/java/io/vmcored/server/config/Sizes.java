package io.vmcored.server.config;

import java.time.Duration;
import java.util.Locale;

/**
 * The human units of the config file: sizes ({@code 512M}, {@code 2G}) and durations
 * ({@code 30s}, {@code 14d}), parsed and shown back in the largest unit that is exact.
 */
final class Sizes {

    private static final String SIZE_UNITS = "KMGTP";

    private Sizes() {
    }

    static long bytes(String key, String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        if (t.endsWith("B")) {
            t = t.substring(0, t.length() - 1);
        }
        if (t.endsWith("I")) {
            t = t.substring(0, t.length() - 1);
        }
        long unit = 1;
        char last = t.isEmpty() ? ' ' : t.charAt(t.length() - 1);
        int shift = SIZE_UNITS.indexOf(last);
        if (shift >= 0) {
            unit = 1L << (10 * (shift + 1));
            t = t.substring(0, t.length() - 1);
        }
        try {
            return Math.multiplyExact(Long.parseLong(t.trim()), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(key + " = \"" + text + "\": expected a size like 4096, 512M or 2G");
        }
    }

    static String bytes(long n) {
        int unit = -1;
        while (n != 0 && unit + 1 < SIZE_UNITS.length() && n % 1024 == 0) {
            n /= 1024;
            unit++;
        }
        return unit < 0 ? Long.toString(n) : n + SIZE_UNITS.substring(unit, unit + 1);
    }

    static Duration duration(String key, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.matches("[0-9]+")) {
                return Duration.ofSeconds(Long.parseLong(t)); // plain seconds
            }
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            return switch (t.charAt(t.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> throw new NumberFormatException(t);
            };
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            throw new IllegalArgumentException(key + " = \"" + text + "\": expected a duration like 30s, 5m, 12h or 14d");
        }
    }

    static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms == 0 || ms % 1000 != 0) {
            return ms == 0 ? "0" : ms + "ms";
        }
        long s = ms / 1000;
        if (s % 86_400 == 0) {
            return s / 86_400 + "d";
        }
        if (s % 3600 == 0) {
            return s / 3600 + "h";
        }
        return s % 60 == 0 ? s / 60 + "m" : s + "s";
    }

    static int integer(String key, String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " = \"" + text + "\": expected an integer");
        }
    }

    static boolean bool(String key, String text) {
        String v = text.trim();
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(v);
        }
        throw new IllegalArgumentException(key + " = \"" + text + "\": expected true or false");
    }
}
