package io.vmcored.server.cli;

import io.vmcored.server.log.JournalStream;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine;

/** Turns an exception escaping a command into one line on stderr and exit status 1, never a stack trace. */
final class OneLineErrors implements IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parsed) {
        String msg = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        // under systemd an error that stops the server must show in `journalctl -p err`
        String priority = JournalStream.stderr() ? JournalStream.prefix(3) : "";
        cmd.getErr().println(priority + "vmcored " + cmd.getCommandName() + ": " + msg);
        cmd.getErr().flush();
        return 1;
    }
}
