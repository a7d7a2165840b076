package io.vmcored.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command and subcommand of the model answers --help with its usage and exit status 0. */
class HelpTest {

    @Test
    void everyCommandAnswersHelp() {
        List<List<String>> paths = new ArrayList<>();
        collect(Main.Full.commandLine(), new ArrayList<>(), paths);
        assertTrue(paths.size() >= 8, "walked the command model: " + paths);
        for (List<String> path : paths) {
            CommandLine cl = Main.Full.commandLine();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
            cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            int exit = cl.execute(args.toArray(String[]::new));
            String usage = out.toString(StandardCharsets.UTF_8);
            assertEquals(0, exit, "vmcored " + String.join(" ", args) + ": " + err.toString(StandardCharsets.UTF_8));
            assertTrue(usage.startsWith("Usage: vmcored" + (path.isEmpty() ? "" : " " + String.join(" ", path))),
                    "vmcored " + String.join(" ", args) + " prints its usage: " + usage);
        }
    }

    private static void collect(CommandLine cl, List<String> path, List<List<String>> out) {
        out.add(List.copyOf(path));
        cl.getSubcommands().forEach((name, sub) -> {
            if (sub.getCommandSpec().name().equals(name)) { // aliases name the same command again
                List<String> deeper = new ArrayList<>(path);
                deeper.add(name);
                collect(sub, deeper, out);
            }
        });
    }
}
