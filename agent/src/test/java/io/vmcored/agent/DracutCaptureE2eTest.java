package io.vmcored.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dracut module in a real capture kernel: Debian's kernel under QEMU/TCG panics, its
 * capture kernel boots an initramfs made by the real dracut with agent/dracut/99vmcored
 * (agent/e2e/build-dracut-images.sh); dracut's network-legacy brings eth0 up by DHCP
 * ({@code rd.neednet=1 ip=dhcp} from the module), and the test-only module runs the
 * unchanged kdump_pre hook, as RHEL's kdumpbase would. The hook must report the upload
 * confirmed (exit 1: kdump skips its own dump) and vmcored must hold a complete dump that
 * makedumpfile reads. Byte identity with makedumpfile of the guest's vmcore is
 * AgentCrashE2eTest's job (the same agent); this test is about the dracut image.
 */
class DracutCaptureE2eTest {

    private static final String PANIC = "Kernel panic - not syncing: sysrq triggered crash";
    private static final Duration RUN = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    @Test
    void dracutCaptureImageUploadsTheCrashThroughTheKdumpPreHook() throws Exception {
        Path images = E2eSupport.dracutImages();
        try (TestServer server = new TestServer(dir.resolve("server"), 0, -1, Map.of()).start();
                // dracut's image (bash, udev, dhclient, ssh, curl: ~45 MiB unpacked) needs more
                // than the 160M of the generic image's tests
                Guest guest = new Guest(images, "dracut-first.img", "768M", "256M", dir.resolve("dracut"),
                        List.of("vmcored.port=" + server.tcpPort()))) {
            assertEquals(1, guest.awaitAgentExit(RUN), "kdump-pre exit status (1 = vmcored confirmed the dump)");
            assertTrue(guest.find(l -> l.contains("dump uploaded and confirmed")).isPresent(), guest.tail(20));
            assertTrue(guest.find(l -> l.startsWith("dhcp: BOUND")).isPresent(), "dracut's DHCP: " + guest.tail(20));
            System.out.printf("e2e dracut capture image: kdump-pre done after %d s%n", guest.seconds());
            guest.awaitEnd(RUN);
            Path dump = server.onlyDump();
            assertEquals("dracut-guest", dump.getParent().getFileName().toString(), "host from the image's config");
            JsonNode m = TestServer.manifest(dump);
            assertEquals("complete", m.path("state").asText(), "manifest: " + m);
            assertEquals("complete", m.path("files").path("vmcore").path("state").asText(), "manifest: " + m);
            assertTrue(Oracle.dmesg(dump.resolve("vmcore")).contains(PANIC), "dmesg of the stored dump shows the panic");
            assertTrue(Files.readString(dump.resolve("vmcore-dmesg.txt")).contains(PANIC),
                    "the kernel log the agent sent first shows the panic");
        }
    }
}
