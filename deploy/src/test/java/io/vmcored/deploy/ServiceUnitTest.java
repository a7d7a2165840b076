package io.vmcored.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.protocol.testsupport.Processes;
import io.vmcored.protocol.testsupport.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The unit the packages ship, as {@code systemd-analyze security --offline=true} rates it:
 * exposure at most 2.0 with the JVM's needs kept (no MemoryDenyWriteExecute: the JIT writes
 * code), no capability at all, a system-call filter, three address families, and only the
 * spool and state writable. The documented drop-in for ssh.port below 1024 adds
 * CAP_NET_BIND_SERVICE alone and stays at most 2.0. ({@code systemd-analyze verify} needs the
 * unit's programs and man page in place: {@link DebianPackageTest} runs it on the installed unit.)
 */
class ServiceUnitTest {

    private static final Duration T = Duration.ofSeconds(120);
    private static final Pattern EXPOSURE = Pattern.compile("Overall exposure level for vmcored\\.service: ([0-9.]+) ");

    @TempDir
    Path root;

    @Test
    void packagedUnitIsExposedAtMostTwo() throws Exception {
        Requirements.requirePrograms("systemd-analyze", "dpkg-deb");
        // the unit as it is inside the Debian package
        Processes.run(T, "dpkg-deb", "-x", Built.deb().toString(), root.toString()).ok();
        Path unit = root.resolve("lib/systemd/system/vmcored.service");
        assertEquals(Files.readString(Built.unit()), Files.readString(unit), "the packaged unit is deploy/vmcored.service");
        String text = Files.readString(unit);

        for (String line : List.of("CapabilityBoundingSet=\n", "AmbientCapabilities=\n", "SystemCallFilter=@system-service\n",
                "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX\n", "ProtectSystem=strict\n",
                "ReadWritePaths=/var/lib/vmcored/spool /var/lib/vmcored/state\n", "PrivateDevices=yes\n",
                "ProtectKernelTunables=yes\n", "ProtectKernelModules=yes\n", "ProtectKernelLogs=yes\n",
                "ExecReload=/bin/kill -HUP $MAINPID\n", "SuccessExitStatus=143\n", "EnvironmentFile=-/etc/default/vmcored\n",
                "User=vmcored\n")) {
            assertTrue(text.contains(line), "unit has " + line.strip());
        }
        assertFalse(text.lines().anyMatch(l -> l.startsWith("MemoryDenyWriteExecute")), "the JVM's JIT needs writable executable memory");
        assertFalse(text.lines().anyMatch(l -> !l.startsWith("#") && l.contains("-Xmx")), "the heap comes from the machine's memory (JAVA_OPTS), not a fixed size");
        Matcher stop = Pattern.compile("TimeoutStopSec=(\\d+)").matcher(text);
        assertTrue(stop.find() && Integer.parseInt(stop.group(1)) > 60, "stop timeout beyond shutdown.drain (60 s)");

        Processes.Result r = Processes.run(T, "systemd-analyze", "security", "--offline=true", "--no-pager", unit.toString()).ok();
        double exposure = exposure(r.out());
        assertTrue(exposure <= 2.0, "exposure " + exposure + ":\n" + r.out());
        assertTrue(r.out().contains("✗ MemoryDenyWriteExecute="), "MemoryDenyWriteExecute stays off: " + r.out());
        assertTrue(r.out().contains("✓ CapabilityBoundingSet=~CAP_NET_ADMIN") && r.out().contains("✓ SystemCallFilter=~@mount"),
                r.out());
        // the threshold makes systemd-analyze itself fail above it
        Processes.run(T, "systemd-analyze", "security", "--offline=true", "--threshold=20", "--no-pager", unit.toString()).ok();

        // ssh on port 22: the drop-in docs/install.md gives
        Path dropIn = root.resolve("etc/systemd/system/vmcored.service.d/low-port.conf");
        Files.createDirectories(dropIn.getParent());
        Files.writeString(dropIn, DocumentedDropIn.text());
        Processes.Result low = Processes.run(T, "systemd-analyze", "security", "--offline=true", "--no-pager",
                "--root=" + root, "vmcored.service").ok();
        double lowExposure = exposure(low.out());
        assertTrue(lowExposure <= 2.0 && lowExposure >= exposure, "with CAP_NET_BIND_SERVICE: " + lowExposure + "\n" + low.out());
        assertTrue(low.out().contains("✓ CapabilityBoundingSet=~CAP_SYS_ADMIN"), low.out());
    }

    private static double exposure(String out) {
        Matcher m = EXPOSURE.matcher(out);
        assertTrue(m.find(), "exposure line in: " + out);
        return Double.parseDouble(m.group(1));
    }
}
