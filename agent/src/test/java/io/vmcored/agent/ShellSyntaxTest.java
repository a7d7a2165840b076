package io.vmcored.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vmcored.protocol.testsupport.Processes;
import io.vmcored.protocol.testsupport.Requirements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every shell script the agent ships parses in each shell that runs it: the POSIX sh ones
 * under busybox ash (capture initramfs), dash (Debian's /bin/sh, kdump-tools) and bash
 * (RHEL's /bin/sh, dracut), the dracut module under bash. Scripts that nothing else runs
 * (the hooks) are caught here before they reach a crashed machine.
 */
class ShellSyntaxTest {

    private static final List<String> POSIX = List.of("vmcored-agent", "kdump-tools/vmcored-kdump-tools-dump",
            "dracut/99vmcored/kdump-pre", "initramfs/capture-init", "initramfs/udhcpc.script",
            "initramfs/build-capture-initramfs.sh", "e2e/dracut/98vmcored-e2e/online.sh", "e2e/raw-vmcore-hook");
    private static final List<String> BASH = List.of("dracut/99vmcored/module-setup.sh",
            "e2e/dracut/98vmcored-e2e/module-setup.sh", "e2e/build-images.sh", "e2e/build-dracut-images.sh");

    @Test
    void posixScriptsParseInBusyboxDashAndBash() throws Exception {
        for (String shell : List.of("busybox sh", "dash", "bash --posix")) {
            Requirements.requirePrograms(shell.split(" ")[0]);
            for (String script : POSIX) {
                assertParses(shell, script);
            }
        }
        for (String script : BASH) {
            assertParses("bash", script);
        }
    }

    private static void assertParses(String shell, String script) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(shell.split(" ")));
        cmd.add("-n");
        cmd.add(E2eSupport.repo().resolve("agent").resolve(script).toString());
        Path file = Path.of(cmd.get(cmd.size() - 1));
        assertEquals(true, Files.isRegularFile(file), file + " exists");
        Processes.Result r = Processes.run(new ProcessBuilder(cmd).redirectErrorStream(true), Duration.ofSeconds(30));
        assertEquals(0, r.exit(), shell + " -n " + script + ": " + r.out());
        assertEquals("", r.out(), shell + " -n " + script);
    }
}
