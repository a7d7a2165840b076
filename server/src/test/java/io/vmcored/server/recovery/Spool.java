package io.vmcored.server.recovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The spool as a restarted server (or an operator) sees it: {@code <spool>/<host>/<dump>/manifest.json},
 * read from disk, never from the server's memory.
 */
final class Spool {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;

    Spool(Path root) {
        this.root = root;
    }

    /** Dump directories of {@code host} that have a manifest, sorted by name. */
    List<Path> dumps(String host) {
        Path h = root.resolve(host);
        if (!Files.isDirectory(h)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(h)) {
            return s.filter(d -> Files.isRegularFile(d.resolve("manifest.json"))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Dump directories of {@code host} whose sender-chosen id (TCP {@code dump=}, HTTP {@code ?dump=}) is {@code dumpId}. */
    List<Path> byClientId(String host, String dumpId) {
        return dumps(host).stream().filter(d -> dumpId.equals(text(manifest(d), "clientId"))).toList();
    }

    /** The one dump directory of a sender's dump id; fails naming what is there otherwise. */
    Path only(String host, String dumpId) {
        List<Path> d = byClientId(host, dumpId);
        if (d.size() != 1) {
            throw new AssertionError("expected one dump directory for host " + host + " dump " + dumpId + ", found " + d);
        }
        return d.get(0);
    }

    static JsonNode manifest(Path dumpDir) {
        try {
            return JSON.readTree(dumpDir.resolve("manifest.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("reading the manifest of " + dumpDir, e);
        }
    }

    /** The manifest's entry of one file, or a missing node. */
    static JsonNode file(Path dumpDir, String name) {
        return manifest(dumpDir).path("files").path(name);
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    /**
     * Polls one dump's manifest until it passes {@code condition} or the time is up; returns the
     * last manifest read, for the caller to assert on with its own context.
     */
    static JsonNode poll(Path dumpDir, Duration timeout, Predicate<JsonNode> condition) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        JsonNode m = manifest(dumpDir);
        while (!condition.test(m) && System.nanoTime() < end) {
            Thread.sleep(50);
            m = manifest(dumpDir);
        }
        return m;
    }

    /**
     * Polls {@code find} until it yields a directory whose manifest passes {@code condition};
     * fails with {@code what} and the last manifest seen when the time is up.
     */
    static Path await(String what, Duration timeout, Supplier<List<Path>> find,
                      Predicate<JsonNode> condition) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < end) {
            for (Path d : find.get()) {
                if (!Files.isRegularFile(d.resolve("manifest.json"))) {
                    continue; // not a catalog dump yet (e.g. only mkdir'ed over SSH)
                }
                last = manifest(d);
                if (condition.test(last)) {
                    return d;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what
                + "; last manifest: " + last);
    }
}
