package io.vmcored.agent;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vmcored.protocol.testsupport.Fixtures;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Where the agent, its scripts and the guest images are, and whether this machine can run
 * the tests at all (QEMU, kexec-tools, makedumpfile, socat, busybox, the fixture kernel).
 * Tests skip, naming what is missing, rather than fail on a machine without them.
 */
final class E2eSupport {

    private static Path images;
    private static String imagesProblem;

    private E2eSupport() {
    }

    /** The repository root (the agent module's parent). */
    static Path repo() {
        Path here = Path.of("").toAbsolutePath();
        return Files.exists(here.resolve("vmcored-agent")) ? here.getParent() : here;
    }

    static Path agentScript() {
        return repo().resolve("agent").resolve("vmcored-agent");
    }

    /** Skips unless every named program is on the PATH. */
    static void requirePrograms(String... names) {
        for (String n : names) {
            assumeTrue(onPath(n), "e2e skipped: " + n + " is not installed (see docs/agent.md, Tests)");
        }
    }

    static boolean onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, name))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin", name)) || Files.isExecutable(Path.of("/sbin", name));
    }

    /**
     * Builds (once per JVM, cheap when up to date) the guest images with agent/e2e/build-images.sh
     * and returns their directory; skips when the tools or the fixture kernel are missing.
     */
    static synchronized Path guestImages() {
        requirePrograms("qemu-system-x86_64", "kexec", "makedumpfile", "socat", "cpio", "busybox");
        Path kernel = Fixtures.root().resolve("kernel").resolve("vmlinuz");
        assumeTrue(Files.exists(kernel), "e2e skipped: no fixture kernel " + kernel
                + " (run fixtures/make-fixtures.sh)");
        if (images == null && imagesProblem == null) {
            try {
                Path log = Files.createTempFile("agent-e2e-images", ".log");
                Process p = new ProcessBuilder("bash", repo().resolve("agent/e2e/build-images.sh").toString())
                        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
                if (!p.waitFor(300, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    imagesProblem = "build-images.sh took more than 300 s";
                } else {
                    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                    if (p.exitValue() != 0) {
                        imagesProblem = "build-images.sh exited with " + p.exitValue() + ": "
                                + String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
                    } else {
                        images = Path.of(lines.get(lines.size() - 1).trim());
                    }
                }
            } catch (IOException | InterruptedException e) {
                imagesProblem = "build-images.sh could not run: " + e;
            }
        }
        if (imagesProblem != null) {
            throw new IllegalStateException("guest images: " + imagesProblem);
        }
        return images;
    }

    private static Path dracutImages;
    private static String dracutProblem;

    /**
     * Builds (once per JVM, cached on disk) the dracut capture images with
     * agent/e2e/build-dracut-images.sh; skips without QEMU, kexec, dracut, its network-legacy
     * module (dracut-network, which brings dhclient) or the fixture kernel.
     */
    static synchronized Path dracutImages() {
        requirePrograms("qemu-system-x86_64", "kexec", "makedumpfile", "cpio", "busybox", "dracut", "depmod", "dhclient");
        assumeTrue(Files.isDirectory(Path.of("/usr/lib/dracut/modules.d/35network-legacy")),
                "e2e skipped: dracut's network-legacy module is missing (Debian: apt-get install dracut-network)");
        Path kernel = Fixtures.root().resolve("kernel").resolve("vmlinuz");
        assumeTrue(Files.exists(kernel), "e2e skipped: no fixture kernel " + kernel + " (run fixtures/make-fixtures.sh)");
        if (dracutImages == null && dracutProblem == null) {
            try {
                Path log = Files.createTempFile("agent-e2e-dracut", ".log");
                Process p = new ProcessBuilder("bash", repo().resolve("agent/e2e/build-dracut-images.sh").toString())
                        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
                if (!p.waitFor(300, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    dracutProblem = "build-dracut-images.sh took more than 300 s";
                } else {
                    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                    if (p.exitValue() != 0) {
                        dracutProblem = "build-dracut-images.sh exited with " + p.exitValue() + ": "
                                + String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
                    } else {
                        dracutImages = Path.of(lines.get(lines.size() - 1).trim());
                    }
                }
            } catch (IOException | InterruptedException e) {
                dracutProblem = "build-dracut-images.sh could not run: " + e;
            }
        }
        if (dracutProblem != null) {
            throw new IllegalStateException("dracut guest images: " + dracutProblem);
        }
        return dracutImages;
    }

    /** A loopback port that was free a moment ago (for a server started later in the test). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
