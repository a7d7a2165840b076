package io.vmcored.server.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine;

/** Entry point of {@code vmcored}: one subcommand per job. */
@Command(name = "vmcored", mixinStandardHelpOptions = true, version = "vmcored 0.1.0",
        description = "Central kdump crash-collection server and dump tools.",
        subcommands = {
            RearrangeCommand.class,
            InspectCommand.class,
            ServeCommand.class,
            KeysCommand.class,
            CheckConfigCommand.class,
        })
public final class Main implements Runnable {

    public static void main(String[] args) {
        // rearrange's start-up is part of its measured speed: its plain shape skips picocli
        // (Java 5 bytecode, which class-data sharing cannot archive) and the server classes.
        Integer fast = RearrangeCommand.runWithoutPicocli(args);
        System.exit(fast != null ? fast : run(args));
    }

    /** Runs a command line and returns its exit status (used by tests too). */
    public static int run(String... args) {
        return Full.run(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.err);
    }

    /**
     * The picocli path, in a class of its own: verifying {@code main} must not load picocli's
     * classes, which the fast path never needs (they cannot be class-data-shared).
     */
    static final class Full {
        static int run(String... args) {
            return commandLine().execute(args);
        }

        /** The whole command line: every command and subcommand answers --help and --version. */
        static CommandLine commandLine() {
            CommandLine cl = new CommandLine(new Main());
            cl.setExecutionExceptionHandler(new OneLineErrors());
            withHelp(cl);
            return cl;
        }

        private static void withHelp(CommandLine cl) {
            cl.getCommandSpec().mixinStandardHelpOptions(true);
            for (CommandLine sub : cl.getSubcommands().values()) {
                withHelp(sub);
            }
        }
    }
}
