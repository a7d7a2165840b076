package io.vmcored.agent;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One QEMU/TCG guest of the kdump e2e tests: boots Debian's kernel with crashkernel= and the
 * first-kernel initramfs (agent/e2e/first-init), which arms the capture kernel with
 * kexec -p and panics; the capture kernel runs vmcored-agent with the vmcored.* arguments
 * and reboots, which ends QEMU (-no-reboot). The serial console is kept (and written to
 * {@code console.log}); the QEMU monitor (QMP) cuts and restores the link.
 */
final class Guest implements AutoCloseable {

    static final String EXIT_MARKER = "VMCORED-AGENT-EXIT rc=";

    private final Process qemu;
    private final List<String> lines = new ArrayList<>();
    private final Path qmpPath;
    private final long started = System.nanoTime();

    /** agentArgs: kernel-command-line words such as {@code vmcored.port=1234}. */
    Guest(Path images, Path workDir, List<String> agentArgs) throws IOException {
        this(images, "first.img", "512M", "160M", workDir, agentArgs);
    }

    /**
     * firstImage: the first kernel's initramfs in {@code images}; memory: the guest's RAM;
     * crashKernel: the memory reserved for the capture kernel and its initramfs.
     */
    Guest(Path images, String firstImage, String memory, String crashKernel, Path workDir, List<String> agentArgs)
            throws IOException {
        Files.createDirectories(workDir);
        qmpPath = workDir.resolve("qmp.sock");
        Files.deleteIfExists(qmpPath);
        String append = "console=ttyS0 panic=1 quiet loglevel=4 crashkernel=" + crashKernel
                + " vmcored.ip=10.0.2.15/24 vmcored.gw=10.0.2.2 vmcored.server=10.0.2.2 " + String.join(" ", agentArgs);
        List<String> cmd = List.of("qemu-system-x86_64", "-accel", "tcg", "-m", memory, "-smp", "1",
                "-nographic", "-no-reboot", "-kernel", images.resolve("vmlinuz").toString(),
                "-initrd", images.resolve(firstImage).toString(), "-append", append,
                "-netdev", "user,id=n0", "-device", "virtio-net-pci,netdev=n0",
                "-qmp", "unix:" + qmpPath + ",server=on,wait=off");
        qemu = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        // kept beside the build output when surefire says where (agent/pom.xml), else in workDir
        String logs = System.getProperty("vmcored.e2e.logs");
        Path log = logs == null ? workDir.resolve("console.log")
                : Files.createDirectories(Path.of(logs)).resolve(workDir.getFileName() + "-console.log");
        Thread reader = new Thread(() -> copyConsole(log), "guest-console");
        reader.setDaemon(true);
        reader.start();
    }

    private void copyConsole(Path log) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(qemu.getInputStream(), StandardCharsets.UTF_8));
             Writer w = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                line = line.replace("\r", "");
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
                w.write(line + "\n");
                w.flush();
            }
        } catch (IOException e) {
            // QEMU gone: the waits report it
        }
    }

    /** Waits for a console line matching {@code p}; fails with the console tail after {@code timeout}. */
    String await(Predicate<String> p, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        synchronized (lines) {
            while (true) {
                for (; seen < lines.size(); seen++) {
                    if (p.test(lines.get(seen))) {
                        return lines.get(seen);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || (!qemu.isAlive() && seen == lines.size())) {
                    throw new AssertionError("guest: no " + what + " after " + seconds() + " s"
                            + (qemu.isAlive() ? "" : " (QEMU exited)") + "; console tail:\n" + tail(30));
                }
                lines.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 200)));
            }
        }
    }

    /** The agent's exit status from the capture kernel's console. */
    int awaitAgentExit(Duration timeout) throws InterruptedException {
        String line = await(l -> l.startsWith(EXIT_MARKER), timeout, "'" + EXIT_MARKER + "' line");
        return Integer.parseInt(line.substring(EXIT_MARKER.length()).trim());
    }

    /** Waits for QEMU to end (the capture kernel reboots after its post hooks). */
    void awaitEnd(Duration timeout) throws InterruptedException {
        if (!qemu.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("guest still running after " + seconds() + " s; console tail:\n" + tail(20));
        }
    }

    Optional<String> find(Predicate<String> p) {
        synchronized (lines) {
            return lines.stream().filter(p).findFirst();
        }
    }

    /** QMP set_link: cuts ({@code false}) or restores the guest's network link. */
    void link(boolean up) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(qmpPath));
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            PrintWriter out = new PrintWriter(Channels.newOutputStream(ch), true, StandardCharsets.UTF_8);
            in.readLine(); // greeting
            out.println("{\"execute\":\"qmp_capabilities\"}");
            readReturn(in);
            out.println("{\"execute\":\"set_link\",\"arguments\":{\"name\":\"n0\",\"up\":" + up + "}}");
            readReturn(in);
        }
    }

    private static void readReturn(BufferedReader in) throws IOException {
        String line;
        while ((line = in.readLine()) != null) {
            if (line.contains("\"return\"")) {
                return;
            }
            if (line.contains("\"error\"")) {
                throw new IOException("QMP error: " + line);
            }
        }
        throw new IOException("QMP connection closed");
    }

    long seconds() {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
    }

    String tail(int n) {
        synchronized (lines) {
            return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (qemu.isAlive()) {
            qemu.destroy();
            if (!qemu.waitFor(5, TimeUnit.SECONDS)) {
                qemu.destroyForcibly().waitFor();
            }
        }
    }
}
