package io.vmcored.server.ssh.exec;

import io.vmcored.server.ssh.auth.AuthorizedKeyStore;
import io.vmcored.server.ssh.auth.SshIdentity;
import io.vmcored.server.ssh.fs.SshSpool;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import org.apache.sshd.server.session.ServerSession;

/**
 * The commands vmcored understands, dispatched by name. Each returns an exit status or starts
 * reading stdin; failures print one line on stderr and return 1, never 255 (ssh's own code,
 * which kdumpctl reads as "network not ready").
 */
final class Builtins {

    /** Internal name of the command a line that could not be parsed becomes. */
    static final String SYNTAX_ERROR = "vmcored-syntax-error";

    private final SshSpool spool;
    private final AuthorizedKeyStore keys;

    Builtins(SshSpool spool, AuthorizedKeyStore keys) {
        this.spool = spool;
        this.keys = keys;
    }

    ExecContext context(ServerSession session, OutputStream out, OutputStream err) {
        SshIdentity id = SshIdentity.of(session);
        // a client held for its turn sends nothing: the idle timeout must not end it
        return new ExecContext(id, spool.area(id.host()), keys, out, err, session::resetIdleTimeout);
    }

    StepResult start(SimpleCommand c, ExecContext ctx) {
        String name = c.name();
        if (name.equals(SYNTAX_ERROR)) {
            ctx.error("sh", c.args().get(0));
            return StepResult.done(1);
        }
        try {
            if (ctx.identity.enrollmentOnly() && !name.equals(KeyEnrollment.COMMAND)) {
                ctx.error(name, "this login (enrollment password) may only add keys with ssh-copy-id");
                return StepResult.done(1);
            }
            if (c.redirect() != null && !name.equals("echo") && !name.equals("cat")) {
                throw new UsageException("output redirection is supported only for 'echo' and 'cat'");
            }
            return switch (name) {
                case "umask" -> FileCommands.umask(c.args());
                case "mkdir" -> FileCommands.mkdir(c.args(), ctx);
                case "mv" -> FileCommands.mv(c.args(), ctx);
                case "rmdir" -> FileCommands.rmdir(c.args(), ctx);
                case "mktemp" -> FileCommands.mktemp(c.args(), ctx);
                case "test" -> FileCommands.test(c.args(), ctx);
                case "echo" -> FileCommands.echo(c, ctx);
                case "df" -> DfCommand.run(c.args(), ctx);
                case "true", ":" -> StepResult.done(0);
                case "false" -> StepResult.done(1);
                case "exit" -> exit(c.args());
                case "dd" -> UploadCommands.dd(c.args(), ctx);
                case "cat" -> UploadCommands.cat(c, ctx);
                case "makedumpfile" -> UploadCommands.makedumpfile(c.args(), ctx);
                case "scp" -> ScpCommands.start(c.args(), ctx);
                case KeyEnrollment.COMMAND -> KeyEnrollment.start(ctx);
                default -> {
                    ctx.error(name, "command not supported by vmcored (it runs no shell); see docs/ssh.md");
                    yield StepResult.done(1);
                }
            };
        } catch (UsageException e) {
            ctx.error(name, e.getMessage());
            return StepResult.done(1);
        } catch (IOException | IllegalArgumentException e) {
            ctx.error(name, String.valueOf(e.getMessage()));
            return StepResult.done(1);
        }
    }

    private static StepResult exit(List<String> args) throws UsageException {
        if (args.size() > 1) {
            throw new UsageException("usage: exit [N]");
        }
        int status = 0;
        if (!args.isEmpty()) {
            try {
                status = Integer.parseInt(args.get(0)) & 0xff;
            } catch (NumberFormatException e) {
                throw new UsageException("numeric argument required, got '" + args.get(0) + "'");
            }
        }
        return StepResult.exit(status == 255 ? 1 : status);
    }

    /** Wrong arguments to a known command. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }
}
