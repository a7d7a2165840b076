package io.vmcored.server.catalog;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;

/**
 * Where the previous page of a newest-first listing ended: the (created, id) of its last
 * dump; the next page starts strictly below it. Opaque on the wire (base64url of
 * {@code <created ISO-8601> <id>}), so clients pass it back instead of building one, and a
 * dump added or removed meanwhile never makes a page repeat or skip the others.
 */
public record PageCursor(Instant created, String id) {

    private static final int MAX_TEXT = 1024;

    public PageCursor {
        if (created == null || id == null || id.isEmpty()) {
            throw new IllegalArgumentException("cursor needs a time and an id; got " + created + " " + id);
        }
    }

    public static PageCursor after(DumpSummary last) {
        return new PageCursor(last.created(), last.id());
    }

    public String encode() {
        byte[] text = (created + " " + id).getBytes(StandardCharsets.UTF_8);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text);
    }

    /** The cursor a page handed out; anything else is an IllegalArgumentException naming the value. */
    public static PageCursor decode(String s) {
        String why = "expected the \"next\" value of an earlier page";
        if (s == null || s.isEmpty() || s.length() > MAX_TEXT) {
            throw new IllegalArgumentException("cursor \"" + shorten(s) + "\": " + why);
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(s), StandardCharsets.UTF_8);
            int space = text.indexOf(' ');
            if (space <= 0 || space == text.length() - 1) {
                throw new IllegalArgumentException("no time and id in it");
            }
            return new PageCursor(Instant.parse(text.substring(0, space)), text.substring(space + 1));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new IllegalArgumentException("cursor \"" + shorten(s) + "\": " + why + " (" + e.getMessage() + ")");
        }
    }

    private static String shorten(String s) {
        return s == null || s.length() <= 100 ? s : s.substring(0, 100) + "...";
    }
}
