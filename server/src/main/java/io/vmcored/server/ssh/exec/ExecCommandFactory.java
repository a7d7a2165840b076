package io.vmcored.server.ssh.exec;

import io.vmcored.server.ssh.auth.AuthorizedKeyStore;
import io.vmcored.server.ssh.fs.SshSpool;
import java.util.List;
import java.util.concurrent.Executor;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.command.CommandFactory;

/**
 * Turns an exec request into an {@link ExecSession}. Nothing is ever handed to a shell: the line
 * is parsed by {@link CommandLineParser}; ssh-copy-id's {@code exec sh -c '...'} is recognized
 * as a whole. A line that cannot be parsed still becomes a command, one that prints why and exits 1.
 */
public final class ExecCommandFactory implements CommandFactory {

    private final Builtins builtins;
    private final Executor pool;

    /** @param pool runs the blocking file work of all sessions (never an I/O thread) */
    public ExecCommandFactory(SshSpool spool, AuthorizedKeyStore keys, Executor pool) {
        this.builtins = new Builtins(spool, keys);
        this.pool = pool;
    }

    @Override
    public Command createCommand(ChannelSession channel, String command) {
        List<SimpleCommand> chain;
        if (KeyEnrollment.matches(command)) {
            chain = List.of(new SimpleCommand(List.of(KeyEnrollment.COMMAND), null, false, false));
        } else {
            try {
                chain = CommandLineParser.parse(command);
            } catch (ShellSyntaxException e) {
                chain = List.of(new SimpleCommand(List.of(Builtins.SYNTAX_ERROR, e.getMessage()), null, false, false));
            }
        }
        return new ExecSession(chain, builtins, pool);
    }
}
