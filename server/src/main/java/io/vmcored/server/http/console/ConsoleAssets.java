package io.vmcored.server.http.console;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The console's files, shipped in the jar under {@code /console/} and read once: {@code /}
 * is {@code index.html}, {@code /console/NAME} the file NAME. Names are checked (letters,
 * digits, '.', '-', '_' and single '/' between them): nothing outside that folder is served.
 */
public final class ConsoleAssets {

    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon");

    /** A file to send: its bytes and content type. */
    public record Asset(byte[] bytes, String type) {
    }

    private final Map<String, Optional<Asset>> cache = new ConcurrentHashMap<>();

    /** The asset of a request path ({@code /} or {@code /console/...}), if there is one. */
    public Optional<Asset> find(String path) {
        String name = path.equals("/") || path.equals("/console/") || path.equals("/console")
                ? "index.html" : path.substring("/console/".length());
        if (!name.matches("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*(/[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*)*")) {
            return Optional.empty();
        }
        return cache.computeIfAbsent(name, ConsoleAssets::load);
    }

    private static Optional<Asset> load(String name) {
        int dot = name.lastIndexOf('.');
        String type = dot < 0 ? null : TYPES.get(name.substring(dot + 1));
        if (type == null) {
            return Optional.empty();
        }
        try (InputStream in = ConsoleAssets.class.getResourceAsStream("/console/" + name)) {
            return in == null ? Optional.empty() : Optional.of(new Asset(in.readAllBytes(), type));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
