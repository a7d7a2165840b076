package io.vmcored.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.protocol.testsupport.Processes;
import io.vmcored.protocol.testsupport.Requirements;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * vmcored(8), written from the command model: man-db formats it without a single groff
 * warning (what lintian checks), and the formatted page names every command, option and
 * parameter of the model.
 */
class ManPageTest {

    @TempDir
    Path tmp;

    @Test
    void manFormatsThePageWithoutWarningsAndItNamesEveryOption() throws Exception {
        Requirements.requirePrograms("man");
        Path page = tmp.resolve("vmcored.8");
        ManPage.main(new String[] {page.toString()});

        // lintian's own invocation of man (its groff-message check)
        ProcessBuilder pb = new ProcessBuilder("man", "--warnings", "-E", "UTF-8", "-l", "-Tutf8", "-Z", page.toString());
        pb.environment().put("LC_ALL", "C.UTF-8");
        pb.environment().put("MANWIDTH", "80");
        Processes.Result warnings = Processes.run(pb, Duration.ofSeconds(60)).ok();
        assertEquals("", warnings.err(), "groff warnings");

        ProcessBuilder plain = new ProcessBuilder("man", "-l", page.toString());
        plain.environment().put("MANWIDTH", "200");
        plain.environment().put("LC_ALL", "C"); // ASCII minus signs, no hyphenation marks
        String shown = Processes.run(plain, Duration.ofSeconds(60)).ok().out().replaceAll("\\s+", " ");

        List<String> missing = new ArrayList<>();
        int commands = check(Main.Full.commandLine(), shown, missing);
        assertTrue(commands >= 7, "commands walked: " + commands);
        assertEquals(List.of(), missing, "not on the page");
        assertTrue(shown.contains("/etc/vmcored/vmcored.properties"), "FILES section");
        assertTrue(Files.readString(page, StandardCharsets.UTF_8).startsWith(".TH VMCORED 8 "), "section 8 page");
    }

    private static int check(CommandLine cl, String shown, List<String> missing) {
        int n = 0;
        for (var e : cl.getSubcommands().entrySet()) {
            var spec = e.getValue().getCommandSpec();
            if (!spec.name().equals(e.getKey())) {
                continue;
            }
            n++;
            if (!shown.contains(spec.qualifiedName(" "))) {
                missing.add(spec.qualifiedName(" "));
            }
            for (OptionSpec o : spec.options()) {
                for (String name : o.names()) {
                    if (!shown.contains(name)) {
                        missing.add(spec.qualifiedName(" ") + " " + name);
                    }
                }
            }
            for (PositionalParamSpec p : spec.positionalParameters()) {
                if (!shown.contains(p.paramLabel())) {
                    missing.add(spec.qualifiedName(" ") + " " + p.paramLabel());
                }
            }
            n += check(e.getValue(), shown, missing);
        }
        return n;
    }
}
