package io.vmcored.server.cli;

import io.vmcored.server.config.ConfigException;
import io.vmcored.server.config.ServerConfig;
import io.vmcored.server.config.Settings;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vmcored check-config}, like {@code sshd -t}/{@code -T}: builds the configuration
 * exactly as {@code serve} would and prints the effective settings (secrets as "(set)"),
 * each with where it was set; or exits 1 with one line per mistake, {@code FILE:LINE: ...}.
 */
@Command(name = "check-config", description = {
    "Check a configuration as serve would read it; print the effective settings.",
    "Exit 0 if serve would accept it, 1 with one line per mistake (FILE:LINE: problem)."})
public final class CheckConfigCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Option(names = "--template", description = "Print every setting, commented out at its default, with what it does"
            + " (the shipped configuration file), and exit.")
    boolean template;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (template) {
            out.print(Settings.template());
            out.flush();
            return 0;
        }
        ServerConfig cfg;
        try {
            cfg = options.build();
        } catch (ConfigException e) {
            return fail(err, e.problems());
        } catch (IOException | IllegalArgumentException e) {
            return fail(err, List.of(e.getMessage()));
        }
        for (Map.Entry<String, String> e : Settings.values(cfg).entrySet()) {
            String origin = cfg.origin(e.getKey());
            out.println(e.getKey() + " = " + Settings.shown(e.getKey(), e.getValue())
                    + (origin == null ? "" : "    # " + origin));
        }
        out.flush();
        return 0;
    }

    private static int fail(PrintWriter err, List<String> problems) {
        for (String p : problems) {
            err.println("vmcored check-config: " + p.replaceFirst("^invalid configuration: ", ""));
        }
        err.flush();
        return 1;
    }
}
