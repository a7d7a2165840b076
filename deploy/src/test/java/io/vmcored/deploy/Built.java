package io.vmcored.deploy;

import io.vmcored.protocol.testsupport.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;

/** What this module's build made before its tests run (the pom passes the paths). */
final class Built {

    private Built() {
    }

    static String version() {
        return System.getProperty("vmcored.package.version", "0.1.0~SNAPSHOT");
    }

    static Path deb() {
        return exists(dir().resolve("vmcored_" + version() + "_all.deb"));
    }

    static Path rpm() {
        return exists(dir().resolve("vmcored-" + version() + "-1.noarch.rpm"));
    }

    /** The server's jar that the packages carry. */
    static Path jar() {
        return exists(Path.of(System.getProperty("vmcored.jar", "../server/target/vmcored.jar")));
    }

    /** The unit as the packages ship it. */
    static Path unit() {
        return Path.of("vmcored.service").toAbsolutePath();
    }

    private static Path dir() {
        return Path.of(System.getProperty("vmcored.packages", "target"));
    }

    private static Path exists(Path p) {
        // `mvn test` makes no packages (no fresh server jar): skipped then, failed under VMCORED_REQUIRE_ALL
        Requirements.require(Files.isRegularFile(p), p + " (built by mvn package, not by mvn test)");
        return p;
    }
}
