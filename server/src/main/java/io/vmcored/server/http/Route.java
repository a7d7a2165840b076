package io.vmcored.server.http;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The paths the HTTP API knows and the methods each takes (docs/server.md, "HTTP API"), so a
 * wrong method on a known path is a 405 naming the right ones and only an unknown path a 404.
 * Ids contain '@', host names never do: that tells {@code /dumps/{id}} from {@code /dumps/{host}}.
 */
enum Route {
    HEALTH(HttpMethod.GET, HttpMethod.HEAD),
    METRICS(HttpMethod.GET, HttpMethod.HEAD),
    LIST(HttpMethod.GET, HttpMethod.HEAD),
    SIGNATURES(HttpMethod.GET, HttpMethod.HEAD),
    /** {@code /api/v1/admission}: the admission policy, its exceptions and counts. */
    ADMISSION(HttpMethod.GET, HttpMethod.HEAD),
    /** {@code /api/v1/admission/hosts/{host}}: always a full dump from this host (PUT), or not (DELETE). */
    ADMISSION_HOST(HttpMethod.PUT, HttpMethod.DELETE),
    /** {@code /api/v1/admission/signatures/{signature}?extra=N}: N more full dumps of this crash. */
    ADMISSION_SIGNATURE(HttpMethod.PUT, HttpMethod.DELETE),
    /** {@code /dumps/{host}}: an upload and its resume point. */
    UPLOAD(HttpMethod.PUT, HttpMethod.GET, HttpMethod.HEAD),
    /** {@code /dumps/{host}/end}. */
    END(HttpMethod.POST),
    /** {@code /dumps/{id}}: the manifest as JSON, or the operator deleting the dump. */
    DUMP(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.DELETE),
    /** {@code /dumps/{id}/vmcore}: the dump file, whatever its name. */
    VMCORE(HttpMethod.GET, HttpMethod.HEAD),
    /** {@code /dumps/{id}/manifest.json}: the manifest file as stored. */
    MANIFEST(HttpMethod.GET, HttpMethod.HEAD),
    /** {@code /dumps/{id}/files/{name}}: any file the manifest lists. */
    FILE(HttpMethod.GET, HttpMethod.HEAD),
    /** {@code /api/v1/events}: server-sent events (uploads, progress, analyses). */
    EVENTS(HttpMethod.GET),
    /** {@code /api/v1/uploads}: the uploads running now. */
    UPLOADS(HttpMethod.GET, HttpMethod.HEAD),
    /** {@code /api/v1/hosts}: hosts, their dumps per state, newest dump and SSH keys. */
    HOSTS(HttpMethod.GET, HttpMethod.HEAD),
    /** {@code /api/v1/stats/crashes}: dumps per hour or day by signature. */
    CRASH_STATS(HttpMethod.GET, HttpMethod.HEAD),
    /** {@code /api/v1/status}: spool space, dump counts, uploads running. */
    STATUS(HttpMethod.GET, HttpMethod.HEAD),
    /** {@code /} and {@code /console/...}: the web console's files. */
    CONSOLE(HttpMethod.GET, HttpMethod.HEAD),
    /** {@code /console/session}: whether a login is needed, who is logged in, the CSRF token. */
    SESSION(HttpMethod.GET, HttpMethod.HEAD),
    /** {@code /console/login}: token in a header, answered with a session cookie. */
    LOGIN(HttpMethod.POST),
    /** {@code /console/logout}. */
    LOGOUT(HttpMethod.POST);

    static final String DUMPS = "/api/v1/dumps";
    static final String ADMISSION_PATH = "/api/v1/admission";

    private final List<HttpMethod> methods;

    Route(HttpMethod... methods) {
        this.methods = List.of(methods);
    }

    /** The route of a path, or null for a path the API does not know. */
    static Route of(String path) {
        switch (path) {
            case "/healthz":
                return HEALTH;
            case "/metrics":
                return METRICS;
            case DUMPS:
                return LIST;
            case "/api/v1/signatures":
                return SIGNATURES;
            case ADMISSION_PATH:
                return ADMISSION;
            case "/api/v1/events":
                return EVENTS;
            case "/api/v1/uploads":
                return UPLOADS;
            case "/api/v1/hosts":
                return HOSTS;
            case "/api/v1/stats/crashes":
                return CRASH_STATS;
            case "/api/v1/status":
                return STATUS;
            case "/console/session":
                return SESSION;
            case "/console/login":
                return LOGIN;
            case "/console/logout":
                return LOGOUT;
            case "/":
                return CONSOLE;
            default:
                break;
        }
        if (path.startsWith(ADMISSION_PATH + "/")) {
            String[] p = path.substring(ADMISSION_PATH.length() + 1).split("/", -1);
            return p.length != 2 || p[1].isEmpty() ? null
                    : p[0].equals("hosts") ? ADMISSION_HOST : p[0].equals("signatures") ? ADMISSION_SIGNATURE : null;
        }
        if (path.startsWith("/console/")) {
            return CONSOLE;
        }
        if (!path.startsWith(DUMPS + "/")) {
            return null;
        }
        String[] parts = parts(path);
        boolean isId = QueryStringDecoder.decodeComponent(parts[0]).contains("@");
        return switch (parts.length) {
            case 1 -> isId ? DUMP : UPLOAD;
            case 2 -> !isId ? (parts[1].equals("end") ? END : null)
                    : parts[1].equals("vmcore") ? VMCORE
                    : parts[1].equals("manifest.json") ? MANIFEST : null;
            case 3 -> isId && parts[1].equals("files") ? FILE : null;
            default -> null;
        };
    }

    /** The segments below {@code /api/v1/dumps/} of the raw path, still URL-encoded. */
    static String[] parts(String path) {
        return path.substring(DUMPS.length() + 1).split("/", -1);
    }

    /** The segments below {@code /api/v1/dumps/}, each decoded once. */
    static String[] decodedParts(String rawPath) {
        String[] parts = parts(rawPath);
        for (int i = 0; i < parts.length; i++) {
            parts[i] = QueryStringDecoder.decodeComponent(parts[i]);
        }
        return parts;
    }

    /** 405: the methods in the {@code Allow} header and in the body, for a client that reads only one. */
    FullHttpResponse notAllowed(HttpMethod method, String path) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", "method_not_allowed");
        body.put("message", method.name() + " " + path + ": this path takes " + allow());
        body.put("allow", methods.stream().map(HttpMethod::name).toList());
        FullHttpResponse r = Responses.json(HttpResponseStatus.METHOD_NOT_ALLOWED, body);
        r.headers().set(HttpHeaderNames.ALLOW, allow());
        return r;
    }

    boolean takes(HttpMethod m) {
        return methods.contains(m);
    }

    /** The {@code Allow} header's value. */
    private String allow() {
        return methods.stream().map(HttpMethod::name).collect(Collectors.joining(", "));
    }
}
