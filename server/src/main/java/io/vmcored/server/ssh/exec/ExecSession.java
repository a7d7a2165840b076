package io.vmcored.server.ssh.exec;

import io.vmcored.server.ingest.SerialExecutor;
import io.vmcored.server.ssh.SessionEnd;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelDataReceiver;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.channel.ChannelSessionAware;
import org.apache.sshd.server.command.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One exec request: runs its chain of commands on a serial worker (never the I/O thread) and
 * feeds stdin to the command that reads it.
 *
 * <p>Backpressure: {@link #data} copies the packet, queues it and returns 0, so MINA does not
 * re-open the SSH window; the window is released only after the bytes were written to disk.
 * A session therefore holds at most one window (2 MiB) of unwritten data.
 * The exit callback fires exactly once: at the end of the chain, or when the channel dies.
 */
final class ExecSession implements Command, ChannelSessionAware, ChannelDataReceiver {

    private static final Logger LOG = LoggerFactory.getLogger(ExecSession.class);

    private final List<SimpleCommand> commands;
    private final Builtins builtins;
    private final SerialExecutor worker;
    private final AtomicBoolean exited = new AtomicBoolean();
    private ChannelSession channel;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;
    private ExecContext ctx;

    // worker-confined state
    private int next;
    private int lastStatus;
    private InputConsumer input;
    private boolean eofSeen;
    private boolean finished;
    private final Queue<byte[]> pending = new ArrayDeque<>();

    ExecSession(List<SimpleCommand> commands, Builtins builtins, Executor pool) {
        this.commands = commands;
        this.builtins = builtins;
        this.worker = new SerialExecutor(pool);
    }

    @Override
    public void setChannelSession(ChannelSession session) {
        this.channel = session;
        session.setDataReceiver(this);
    }

    @Override
    public void setInputStream(InputStream in) {
        // stdin arrives through data(): this command installed its own receiver
    }

    @Override
    public void setOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
        this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
        this.exit = callback;
    }

    @Override
    public void start(ChannelSession session, Environment env) {
        ctx = builtins.context(session.getSession(), out, err);
        worker.execute(guarded(this::runChain));
    }

    @Override
    public void destroy(ChannelSession session) {
        String why = SessionEnd.reason(session.getSession(), "connection closed");
        worker.execute(guarded(() -> lost(why)));
    }

    /** I/O thread: copy, queue, keep the window closed until written. */
    @Override
    public int data(ChannelSession session, byte[] buf, int start, int len) {
        byte[] copy = new byte[len];
        System.arraycopy(buf, start, copy, 0, len);
        worker.execute(guarded(() -> onData(copy)));
        return 0;
    }

    /** EOF from the client, or the channel closing (then no EOF was signalled). */
    @Override
    public void close() {
        if (channel != null && channel.isEofSignalled()) {
            worker.execute(guarded(this::onEof));
        } else {
            String why = SessionEnd.reason(channel == null ? null : channel.getSession(),
                    "connection lost before end of input");
            worker.execute(guarded(() -> lost(why)));
        }
    }

    /** A bug in a command must not leave the client hanging: report it, exit 1. */
    private Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                LOG.warn("host={} command \"{}\" failed unexpectedly: {}", ctx == null ? "?" : ctx.identity.host(),
                        commands.get(Math.max(0, next - 1)), e.toString());
                if (input != null) {
                    InputConsumer broken = input;
                    input = null;
                    broken.abort("internal error: " + e);
                }
                if (ctx != null) {
                    ctx.error(commands.get(Math.max(0, next - 1)).name(), "internal error: " + e);
                }
                finish(1);
            }
        };
    }

    private void runChain() {
        while (!finished && next < commands.size()) {
            SimpleCommand c = commands.get(next++);
            if (c.onlyIfPreviousSucceeded() && lastStatus != 0) {
                continue;
            }
            StepResult r = builtins.start(c, ctx);
            if (r.exitScript()) {
                lastStatus = r.status();
                break;
            }
            if (r.input() != null) {
                input = r.input();
                if (!takesInput()) {
                    return; // held: stdin stays queued until its turn (held())
                }
                drainPending();
                if (finished || input != r.input()) {
                    return; // a queued chunk already finished this command and the chain moved on
                }
                if (eofSeen && input != null) {
                    onEof();
                }
                return;
            }
            lastStatus = r.status();
        }
        finish(lastStatus);
    }

    /** Whether the current command takes stdin now; if not, resumes the session once it does. */
    private boolean takesInput() {
        CompletableFuture<Void> ready = input.ready();
        if (ready == null || ready.isDone()) {
            return true;
        }
        InputConsumer held = input;
        ready.whenComplete((v, e) -> worker.execute(guarded(() -> released(held))));
        return false;
    }

    /** Its turn came (or the wait failed, which the command's next call reports): what was queued goes in. */
    private void released(InputConsumer held) {
        if (finished || input != held) {
            return;
        }
        try {
            held.resumed();
        } catch (IOException e) {
            input = null;
            held.abort(e.getMessage());
            ctx.error(commands.get(next - 1).name(), String.valueOf(e.getMessage()));
            lastStatus = 1;
            finish(1);
            return;
        }
        drainPending();
        if (eofSeen && input == held) {
            onEof();
        }
    }

    private boolean held() {
        CompletableFuture<Void> ready = input.ready();
        return ready != null && !ready.isDone();
    }

    private void onData(byte[] chunk) {
        if (finished) {
            release(chunk.length);
            return;
        }
        if (input == null || held()) {
            pending.add(chunk); // arrives before the command that reads it: hold, window stays closed
            return;
        }
        deliver(chunk);
    }

    private void drainPending() {
        byte[] chunk;
        while (input != null && (chunk = pending.poll()) != null) {
            deliver(chunk);
        }
    }

    private void deliver(byte[] chunk) {
        try {
            input.data(ByteBuffer.wrap(chunk));
        } catch (IOException | RuntimeException e) {
            InputConsumer failed = input;
            input = null;
            failed.abort(e.getMessage());
            ctx.error(commands.get(next - 1).name(), String.valueOf(e.getMessage()));
            lastStatus = 1;
            finish(1);
        }
        release(chunk.length);
        if (input != null && input.doneStatus() >= 0) {
            lastStatus = input.doneStatus();
            input = null;
            runChain();
        }
    }

    private void onEof() {
        if (finished) {
            return;
        }
        eofSeen = true;
        if (input == null || held()) {
            return;
        }
        InputConsumer done = input;
        input = null;
        try {
            lastStatus = done.eof();
        } catch (IOException | RuntimeException e) {
            ctx.error(commands.get(next - 1).name(), String.valueOf(e.getMessage()));
            lastStatus = 1;
        }
        runChain();
    }

    private void lost(String why) {
        if (finished) {
            return;
        }
        if (input != null) {
            InputConsumer broken = input;
            input = null;
            broken.abort(why);
        }
        finish(1);
    }

    private void finish(int status) {
        if (finished) {
            return;
        }
        finished = true;
        byte[] chunk;
        while ((chunk = pending.poll()) != null) {
            release(chunk.length);
        }
        try {
            out.flush();
            err.flush();
        } catch (IOException e) {
            // closed channel: the exit status cannot be delivered either
        }
        if (exited.compareAndSet(false, true)) {
            exit.onExit(status);
        }
    }

    private void release(int n) {
        try {
            if (channel.isOpen()) {
                channel.getLocalWindow().release(n);
            }
        } catch (IOException e) {
            // window adjust on a closing channel
        }
    }
}
