package io.vmcored.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code vmcored}: one subcommand per job. */
@Command(name = "vmcored", mixinStandardHelpOptions = true, version = "vmcored 0.1.0",
        description = "Central kdump crash-collection server and dump tools.",
        subcommands = {
            RearrangeCommand.class,
            InspectCommand.class,
            ServeCommand.class,
        })
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit status (used by tests too). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(new OneLineErrors());
        return cl.execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.err);
    }
}
