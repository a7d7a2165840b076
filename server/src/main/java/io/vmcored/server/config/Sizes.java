package io.vmcored.server.config;

import java.time.Duration;
import java.util.Locale;

/** Parses the human units of the config file: sizes ({@code 512M}, {@code 2G}) and durations ({@code 30s}, {@code 14d}). */
final class Sizes {

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
        int shift = "KMGTP".indexOf(last);
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

    static Duration duration(String key, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            return switch (t.charAt(t.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> Duration.ofSeconds(Long.parseLong(t));
            };
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            throw new IllegalArgumentException(key + " = \"" + text + "\": expected a duration like 30s, 5m, 12h or 14d");
        }
    }

    static int integer(String key, String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " = \"" + text + "\": expected an integer");
        }
    }
}
