package io.vmcored.protocol.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Locates the real dump fixtures made by {@code fixtures/make-fixtures.sh} (a Debian kernel crashed
 * under QEMU, streamed through the real makedumpfile). Tests that need them are skipped when the
 * cache has not been generated, because generating it needs QEMU and a download; under
 * {@code VMCORED_REQUIRE_ALL=1} they fail instead ({@link Requirements}).
 *
 * <pre>
 * &lt;root&gt;/vmcore.elf                 raw ELF vmcore of the crashed guest (with VMCOREINFO)
 * &lt;root&gt;/streams/&lt;name&gt;.flat        makedumpfile -F output (flattened stream)
 * &lt;root&gt;/streams/&lt;name&gt;.dump        makedumpfile -R of that stream (the oracle)
 * &lt;root&gt;/streams/&lt;name&gt;.dmesg       makedumpfile --dump-dmesg of the oracle
 * </pre>
 *
 * The root is the system property or environment variable {@code VMCORED_FIXTURES}; otherwise the
 * directory {@code fixtures-cache} beside the {@code fixtures/make-fixtures.sh} found by walking up
 * from the working directory (Maven runs each module's tests in the module directory).
 */
public final class Fixtures {
    public static final String PROPERTY = "VMCORED_FIXTURES";
    private static final String HINT = " (run fixtures/make-fixtures.sh to generate it)";
    /** The one name {@link #namesForSource()} gives without fixtures: none of its files exist. */
    static final String MISSING = "no-fixture-streams";

    private Fixtures() {
    }

    /** The fixture cache directory; skips the test (fails it under VMCORED_REQUIRE_ALL) when it does not exist. */
    public static Path root() {
        Path root = locateRoot();
        Requirements.require(root != null && Files.isDirectory(root), "fixture cache directory " + root + HINT);
        return root;
    }

    /** The flattened stream {@code streams/<name>.flat}, e.g. {@code kdump-zlib-d31}. */
    public static Path stream(String name) {
        return require(root().resolve("streams").resolve(name + ".flat"));
    }

    /** The makedumpfile -R output for {@code name}: what a rearranged stream must equal byte for byte. */
    public static Path oracle(String name) {
        return require(root().resolve("streams").resolve(name + ".dump"));
    }

    /** The makedumpfile --dump-dmesg output of the oracle dump for {@code name}. */
    public static Path dmesg(String name) {
        return require(root().resolve("streams").resolve(name + ".dmesg"));
    }

    /** The raw ELF vmcore of the crashed guest, program headers at offset 64. */
    public static Path vmcore() {
        return require(root().resolve("vmcore.elf"));
    }

    /** Names of all streams present (those with both a .flat and a .dump), sorted; none is a missing fixture. */
    public static List<String> names() {
        Path dir = require(root().resolve("streams"));
        List<String> names = namesIn(dir);
        Requirements.require(!names.isEmpty(), "fixture streams: no <name>.flat + <name>.dump in " + dir + HINT);
        return names;
    }

    /**
     * {@link #names()} for a parameterized test's {@code @MethodSource}. A source that skips runs
     * no test at all, and surefire then reports "Tests run: 0", neither skipped nor failed; so
     * without fixtures this gives the one name {@value #MISSING}, whose files are all missing, and
     * each test skips (fails under VMCORED_REQUIRE_ALL) at its first Fixtures call, naming the file.
     */
    public static Stream<String> namesForSource() {
        Path root = locateRoot();
        Path dir = root == null ? null : root.resolve("streams");
        List<String> names = dir != null && Files.isDirectory(dir) ? namesIn(dir) : List.of();
        return names.isEmpty() ? Stream.of(MISSING) : names.stream();
    }

    private static List<String> namesIn(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(f -> f.endsWith(".flat"))
                    .map(f -> f.substring(0, f.length() - ".flat".length()))
                    .filter(n -> Files.exists(dir.resolve(n + ".dump")))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list fixture directory " + dir, e);
        }
    }

    /**
     * Debian's package {@code name} unpacked, never installed, by {@code ./test} into
     * {@code <root>/debian/<name>}, for tests that only read its files: installing kdump-tools
     * would arm kdump on this machine, installing prometheus (for promtool) would start a server.
     */
    public static Path debianPackage(String name) {
        Path dir = root().resolve("debian").resolve(name);
        Requirements.require(Files.isDirectory(dir), "Debian package " + name + " unpacked in " + dir + " (./test unpacks it)");
        return dir;
    }

    private static Path require(Path p) {
        Requirements.require(Files.exists(p), "fixture " + p + HINT);
        return p;
    }

    private static Path locateRoot() {
        String configured = System.getProperty(PROPERTY);
        if (configured == null || configured.isBlank()) {
            configured = System.getenv(PROPERTY);
        }
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("fixtures").resolve("make-fixtures.sh"))) {
                return dir.resolve("fixtures-cache");
            }
        }
        return null;
    }
}
