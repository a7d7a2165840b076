package io.vmcored.server.ssh.fs;

import io.vmcored.server.catalog.ManifestIo;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Maps the paths kdump clients send into a host's area, purely lexically (nothing on disk is
 * consulted, so symlinks cannot redirect it):
 *
 * <pre>
 * 1. relative paths start at the first base path (the "home", /var/crash by default)
 * 2. "." and ".." are resolved by name; ".." at "/" stays at "/" (like a chroot)
 * 3. a path under a base path loses the base:  /var/crash/10.0.0.5-2024-05-01-10:00:00/vmcore
 *                                                 -> dir "10.0.0.5-2024-05-01-10:00:00", file "vmcore"
 *    a base path itself, or one of its parents (/, /var) -> the host's area
 *    any other absolute path is taken from the area's root: /d/f -> dir "d", file "f"
 * 4. at most two components remain: dump directory, file. Names are 1-255 bytes, no NUL,
 *    and may not start with '.' or be manifest.json (reserved for the catalog's own files).
 * </pre>
 */
public final class ClientPaths {

    public static final int MAX_PATH = 4096;
    public static final int MAX_NAME = 255;
    /** The catalog's manifest in every dump directory: clients may never write it. */
    static final String RESERVED_MANIFEST = ManifestIo.FILE_NAME;

    private final List<List<String>> bases;

    /** @param basePaths absolute client paths that map to the host's area, e.g. {@code /var/crash} */
    public ClientPaths(List<String> basePaths) {
        if (basePaths.isEmpty()) {
            throw new IllegalArgumentException("ssh base paths: expected at least one absolute path, got none");
        }
        List<List<String>> b = new ArrayList<>();
        for (String p : basePaths) {
            if (!p.startsWith("/")) {
                throw new IllegalArgumentException("ssh base path '" + p + "' is not absolute");
            }
            b.add(List.copyOf(normalize(p, List.of())));
        }
        this.bases = List.copyOf(b);
    }

    public SpoolPath map(String clientPath) {
        if (clientPath.isEmpty()) {
            throw new IllegalArgumentException("empty path");
        }
        if (clientPath.length() > MAX_PATH) {
            throw new IllegalArgumentException("path of " + clientPath.length() + " characters, limit " + MAX_PATH);
        }
        if (clientPath.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("path contains a NUL byte");
        }
        List<String> parts = normalize(clientPath, bases.get(0));
        String shown = "/" + String.join("/", parts);
        List<String> rest = parts;
        for (List<String> base : bases) {
            if (startsWith(parts, base)) {
                rest = parts.subList(base.size(), parts.size());
                break;
            }
            if (startsWith(base, parts)) {
                rest = List.of();
                break;
            }
        }
        return switch (rest.size()) {
            case 0 -> new SpoolPath(null, null, shown);
            case 1 -> new SpoolPath(requireName(rest.get(0)), null, shown);
            case 2 -> new SpoolPath(requireName(rest.get(0)), requireName(rest.get(1)), shown);
            default -> throw new IllegalArgumentException(shown + ": too deep; vmcored keeps one directory per dump"
                    + " (<base>/<dump dir>/<file>, base " + "/" + String.join("/", bases.get(0)) + ")");
        };
    }

    /** The client path of the home directory (first base path). */
    public String home() {
        return "/" + String.join("/", bases.get(0));
    }

    public static String requireName(String name) {
        if (name.isEmpty() || name.length() > MAX_NAME || name.indexOf('/') >= 0 || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("invalid file name '" + name + "'");
        }
        if (name.startsWith(".") || name.equals(RESERVED_MANIFEST)) {
            throw new IllegalArgumentException("file name '" + name + "' is reserved for vmcored's own files");
        }
        return name;
    }

    private static List<String> normalize(String path, List<String> home) {
        Deque<String> out = new ArrayDeque<>();
        if (!path.startsWith("/")) {
            out.addAll(home);
        }
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                out.pollLast();
                continue;
            }
            out.addLast(part);
        }
        return new ArrayList<>(out);
    }

    private static boolean startsWith(List<String> path, List<String> prefix) {
        return path.size() >= prefix.size() && path.subList(0, prefix.size()).equals(prefix);
    }
}
