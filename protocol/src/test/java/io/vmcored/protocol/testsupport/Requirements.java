package io.vmcored.protocol.testsupport;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test needs from the machine (fixtures, programs, packages, root) and what happens when
 * it is missing: the test is skipped, naming it, so a quick local run works on a bare machine.
 * With {@code VMCORED_REQUIRE_ALL=1} (set by {@code ./test}, so by CI) it fails instead, naming
 * it the same way: the suite cannot pass by not running.
 */
public final class Requirements {

    /** System property or environment variable; {@code 1} or {@code true} turns skips into failures. */
    public static final String REQUIRE_ALL = "VMCORED_REQUIRE_ALL";

    private Requirements() {
    }

    /** Whether a missing requirement fails the test rather than skipping it. */
    public static boolean all() {
        String v = System.getProperty(REQUIRE_ALL);
        if (v == null || v.isBlank()) {
            v = System.getenv(REQUIRE_ALL);
        }
        return v != null && (v.strip().equals("1") || v.strip().equalsIgnoreCase("true"));
    }

    /** Skips the test (fails it under {@value #REQUIRE_ALL}=1) unless {@code present}; {@code what} names what is missing. */
    public static void require(boolean present, String what) {
        if (present) {
            return;
        }
        if (all()) {
            fail("missing: " + what + " (" + REQUIRE_ALL + "=1: a missing requirement fails)");
        }
        Assumptions.abort("missing: " + what);
    }

    /** Requires every named program on the PATH (or in /usr/sbin, /sbin). */
    public static void requirePrograms(String... names) {
        for (String name : names) {
            require(which(name).isPresent(), "program " + name + " (not on the PATH; ./test installs it)");
        }
    }

    /** The executable {@code name} on the PATH, else in /usr/sbin or /sbin (root's tools, off a user's PATH). */
    public static Optional<Path> which(String name) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin") + ":/usr/sbin:/sbin";
        for (String dir : path.split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(p) && !Files.isDirectory(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
