package io.vmcored.server.http.console;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Console logins: a session id (the cookie's value, 256 random bits) maps to who logged in and
 * the session's CSRF token, which every change made with the cookie must echo in a header.
 * In memory only (a restart logs everyone out); at most {@value #MAX} sessions, the oldest
 * dropped first; each lives {@link #LIFETIME} from its login.
 */
public final class ConsoleSessions {

    public static final String COOKIE = "vmcored_session";
    public static final String CSRF_HEADER = "X-Vmcored-Csrf";
    static final int MAX = 1000;
    public static final Duration LIFETIME = Duration.ofHours(12);

    /** What a console user may do. */
    public enum Role {
        OPERATOR, VIEWER;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public record Session(String id, Role role, String csrf, long expiresMillis) {
    }

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> sessions = new LinkedHashMap<>();

    public synchronized Session login(Role role) {
        Session s = new Session(token(), role, token(), System.currentTimeMillis() + LIFETIME.toMillis());
        sessions.put(s.id(), s);
        Iterator<Session> oldest = sessions.values().iterator();
        while (sessions.size() > MAX) {
            oldest.next();
            oldest.remove();
        }
        return s;
    }

    /** The live session of a cookie value. */
    public synchronized Optional<Session> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Session s = sessions.get(id);
        if (s != null && s.expiresMillis() < System.currentTimeMillis()) {
            sessions.remove(id);
            s = null;
        }
        return Optional.ofNullable(s);
    }

    public synchronized void logout(String id) {
        sessions.remove(id);
    }

    private String token() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
