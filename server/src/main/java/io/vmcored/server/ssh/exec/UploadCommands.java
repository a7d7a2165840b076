package io.vmcored.server.ssh.exec;

import io.vmcored.server.ssh.exec.Builtins.UsageException;
import io.vmcored.server.ssh.fs.SpoolPath;
import io.vmcored.server.ssh.fs.Upload;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The commands that store stdin into a file: {@code dd [bs=N] of=FILE}, {@code cat > FILE} and
 * {@code makedumpfile -R FILE}. All three sniff and rearrange through {@link Upload}.
 * Exit status: 0 when the input was stored whole; 1 when a flattened stream broke or ended
 * before its end marker (the file is then marked incomplete).
 */
final class UploadCommands {

    /** dd operands that do not change what is written; if=, skip=, seek=, count= would. */
    private static final Set<String> DD_HARMLESS = Set.of("bs", "ibs", "obs", "status", "conv", "oflag", "iflag");

    private UploadCommands() {
    }

    static StepResult dd(List<String> args, ExecContext ctx) throws IOException, UsageException {
        String of = null;
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new UsageException("unsupported operand '" + a + "' (expected KEY=VALUE)");
            }
            String key = a.substring(0, eq);
            if (key.equals("of")) {
                of = a.substring(eq + 1);
            } else if (!DD_HARMLESS.contains(key)) {
                throw new UsageException("unsupported operand '" + key + "=' (supported: of=, bs=, ibs=, obs=, status=, conv=, iflag=, oflag=)");
            }
        }
        if (of == null) {
            throw new UsageException("of=FILE is required (vmcored stores stdin, it never writes to stdout)");
        }
        return StepResult.reading(Receiving.start("dd", ctx.area.map(of), ctx, false));
    }

    static StepResult cat(SimpleCommand c, ExecContext ctx) throws IOException, UsageException {
        if (!c.args().isEmpty() || c.redirect() == null || c.append()) {
            throw new UsageException("only 'cat > FILE' is supported");
        }
        return StepResult.reading(Receiving.start("cat", ctx.area.map(c.redirect()), ctx, false));
    }

    static StepResult makedumpfile(List<String> args, ExecContext ctx) throws IOException, UsageException {
        List<String> ops = FileCommands.operands(args, "-R", "-f");
        if (!args.contains("-R") || ops.size() != 1) {
            throw new UsageException("only 'makedumpfile -R FILE' is supported");
        }
        return StepResult.reading(Receiving.start("makedumpfile", ctx.area.map(ops.get(0)), ctx, true));
    }

    /**
     * Feeds stdin into one upload. A dump file waits for its admission first ({@link
     * HostArea#admit}): the file is opened only when its turn comes, and a client that goes
     * away while waiting leaves the line.
     */
    private static final class Receiving implements InputConsumer {
        private final String command;
        private final SpoolPath path;
        private final ExecContext ctx;
        private final boolean makedumpfileMessages;
        private final CompletableFuture<Void> turn;
        private Upload upload;

        private Receiving(String command, SpoolPath path, ExecContext ctx, boolean makedumpfileMessages,
                          CompletableFuture<Void> turn) {
            this.command = command;
            this.path = path;
            this.ctx = ctx;
            this.makedumpfileMessages = makedumpfileMessages;
            this.turn = turn;
        }

        static Receiving start(String command, SpoolPath path, ExecContext ctx, boolean makedumpfileMessages)
                throws IOException {
            Receiving r = new Receiving(command, path, ctx, makedumpfileMessages, ctx.area.admit(path, ctx.keepAlive));
            if (r.turn.isDone()) {
                r.open(); // refused at once: the command fails before reading a byte
            }
            return r;
        }

        @Override
        public CompletableFuture<Void> ready() {
            return turn;
        }

        /** Its turn came: the file is created now, or the refusal is the command's error. */
        private Upload open() throws IOException {
            if (upload == null) {
                upload = ctx.area.create(path, turn);
            }
            return upload;
        }

        @Override
        public void data(ByteBuffer chunk) throws IOException {
            open().feed(chunk);
        }

        @Override
        public int eof() throws IOException {
            String problem = open().finish();
            if (problem != null) {
                ctx.error(command, upload.path().clientPath() + ": " + problem + "; stored, marked incomplete");
                if (makedumpfileMessages) {
                    ctx.print("\nmakedumpfile Failed.\n");
                }
                return 1;
            }
            if (makedumpfileMessages) {
                ctx.print("\nThe dumpfile is saved to " + upload.path().clientPath() + ".\n\nmakedumpfile Completed.\n");
            }
            return 0;
        }

        @Override
        public void abort(String why) {
            if (upload != null) {
                upload.abort(why);
            } else {
                turn.cancel(false); // gone while waiting: out of the line
            }
        }
    }
}
