package io.vmcored.agent;

import io.vmcored.protocol.testsupport.Fixtures;
import io.vmcored.protocol.testsupport.Processes;
import io.vmcored.protocol.testsupport.Requirements;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Where the agent, its scripts and the guest images are, and whether this machine can run
 * the tests at all (QEMU, kexec-tools, makedumpfile, socat, busybox, the fixture kernel).
 * Tests skip, naming what is missing, on a machine without them; under VMCORED_REQUIRE_ALL=1
 * (./test) they fail instead ({@link Requirements}).
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

    /**
     * Builds (once per JVM, cheap when up to date) the guest images with agent/e2e/build-images.sh
     * and returns their directory; skips when the tools or the fixture kernel are missing.
     */
    static synchronized Path guestImages() {
        Requirements.requirePrograms("qemu-system-x86_64", "kexec", "makedumpfile", "socat", "cpio", "busybox");
        Path kernel = Fixtures.root().resolve("kernel").resolve("vmlinuz");
        Requirements.require(Files.exists(kernel), "fixture kernel " + kernel + " (run fixtures/make-fixtures.sh)");
        if (images == null && imagesProblem == null) {
            try {
                images = lastLine(build("agent/e2e/build-images.sh"));
            } catch (IOException | InterruptedException | AssertionError e) {
                imagesProblem = e.getMessage();
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
        Requirements.requirePrograms("qemu-system-x86_64", "kexec", "makedumpfile", "cpio", "busybox", "dracut", "depmod", "dhclient");
        Requirements.require(Files.isDirectory(Path.of("/usr/lib/dracut/modules.d/35network-legacy")),
                "dracut's network-legacy module (Debian: apt-get install dracut-network)");
        Path kernel = Fixtures.root().resolve("kernel").resolve("vmlinuz");
        Requirements.require(Files.exists(kernel), "fixture kernel " + kernel + " (run fixtures/make-fixtures.sh)");
        if (dracutImages == null && dracutProblem == null) {
            try {
                dracutImages = lastLine(build("agent/e2e/build-dracut-images.sh"));
            } catch (IOException | InterruptedException | AssertionError e) {
                dracutProblem = e.getMessage();
            }
        }
        if (dracutProblem != null) {
            throw new IllegalStateException("dracut guest images: " + dracutProblem);
        }
        return dracutImages;
    }

    /** Runs an image build script (at most 300 s, output and errors merged); fails with its output. */
    private static Processes.Result build(String script) throws IOException, InterruptedException {
        return Processes.run(new ProcessBuilder("bash", repo().resolve(script).toString()).redirectErrorStream(true),
                Duration.ofSeconds(300)).ok();
    }

    /** The images directory: what a build script prints last. */
    private static Path lastLine(Processes.Result r) {
        List<String> lines = r.out().strip().lines().toList();
        return Path.of(lines.get(lines.size() - 1).trim());
    }

    /** A loopback port that was free a moment ago (for a server started later in the test). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
