package io.vmcored.server.ingest;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.vmcored.protocol.rearrange.StreamReceiver.Outcome;
import io.vmcored.server.catalog.FileUpload;
import io.vmcored.server.storage.DiskLowException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Moves one connection's bytes from the event loop to the disk: buffers are retained and
 * handed, in order, to the file executor; when the {@link IngestBudget} says the bytes
 * waiting for the disk are too many, the channel stops reading (autoRead off) until they
 * drain. So a connection never holds more than its share of the budget + one read.
 *
 * <p>Storage failures (disk full, watermark, bad record, resume mismatch) are reported once
 * through {@code onFailure} on the event loop; the transport then ends the upload.
 */
public final class UploadPump {

    /** Re-check the free-space watermark after this many bytes (every transport's uploads). */
    public static final long DISK_CHECK_BYTES = 8 << 20;

    /** Opens the upload on the file executor (creating the dump record is blocking too). */
    interface Opener {
        FileUpload open() throws IOException;
    }

    private final IngestService service;
    private final Channel channel;
    private final SerialExecutor serial;
    private final IngestBudget budget;
    private final AtomicLong pending = new AtomicLong();
    /** Set and cleared on the event loop; read by file threads to know whether to wake it. */
    private volatile boolean paused;
    /** The transport is ending the upload: reading stays as it set it. */
    private volatile boolean ending;
    private final AtomicBoolean failed = new AtomicBoolean();
    private final Consumer<Throwable> onFailure;
    private volatile FileUpload upload;
    private volatile Throwable failure;
    private volatile long expected = -1;
    private long sinceDiskCheck;

    UploadPump(IngestService service, Channel channel, Consumer<Throwable> onFailure) {
        this.service = service;
        this.channel = channel;
        this.serial = new SerialExecutor(service.files());
        this.budget = service.budget();
        this.onFailure = onFailure;
    }

    /**
     * The sender announced the stream's whole length (HTTP Content-Length plus offset): shown
     * as progress and ETA while the upload runs. Any thread.
     */
    public void expect(long bytes) {
        expected = bytes;
        FileUpload up = upload;
        if (up != null) {
            up.expect(bytes);
        }
    }

    /** Opens the upload; resolves with it (or fails) on a file thread. */
    CompletableFuture<FileUpload> open(Opener opener) {
        CompletableFuture<FileUpload> f = new CompletableFuture<>();
        run(() -> {
            try {
                upload = opener.open();
                upload.onStop(() -> channel.close());
                if (expected >= 0) {
                    upload.expect(expected);
                }
                f.complete(upload);
            } catch (Throwable t) {
                fail(t);
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    /** Event loop: queues {@code buf} (ownership passes to the pump) for the disk. */
    public void offer(ByteBuf buf) {
        if (failure != null) {
            buf.release();
            return;
        }
        int n = buf.readableBytes();
        budget.add(n);
        long queued = pending.addAndGet(n);
        if (!paused && budget.full(queued)) {
            paused = true;
            channel.config().setAutoRead(false);
        }
        boolean queuedTask = run(() -> {
            try {
                write(buf);
            } finally {
                buf.release();
                budget.release(n);
                if (budget.roomFor(pending.addAndGet(-n)) && paused) {
                    channel.eventLoop().execute(this::resumeReading);
                }
            }
        });
        if (!queuedTask) { // refused (the upload fails): the bytes must not stay counted against the shared budget
            buf.release();
            budget.release(n);
            pending.addAndGet(-n);
        }
    }

    /**
     * Ends the upload after everything queued: {@code problem == null} means the sender
     * finished (EOF), otherwise the upload is aborted with that reason (a storage failure
     * takes precedence). The future completes on a file thread with what the sender is told
     * (see {@link IngestService#result}); it never completes exceptionally.
     */
    public CompletableFuture<UploadResult> end(String problem) {
        ending = true;
        CompletableFuture<UploadResult> f = new CompletableFuture<>();
        run(() -> {
            try {
                FileUpload up = upload;
                Outcome o = null;
                if (up != null) {
                    Throwable t = failure;
                    String why = t != null ? message(t) : problem;
                    o = why == null ? up.finish() : up.abort(why);
                }
                UploadResult r = service.result(up, o, failure);
                service.answerable(r).thenAccept(f::complete);
            } catch (Throwable t) {
                f.complete(UploadResult.storage(message(t)));
            }
        });
        return f;
    }

    /** Runs {@code r} on the file executor after every write queued so far. */
    public void whenDrained(Runnable r) {
        run(r);
    }

    public Throwable failure() {
        return failure;
    }

    /** Committed stream bytes so far (0 before open). */
    public long committed() {
        FileUpload up = upload;
        return up == null ? 0 : up.committed();
    }

    public static String message(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private void write(ByteBuf buf) {
        FileUpload up = upload;
        if (failure != null || up == null) {
            return;
        }
        try {
            for (ByteBuffer b : buf.nioBuffers()) {
                up.feed(b);
            }
            sinceDiskCheck += buf.readableBytes();
            if (sinceDiskCheck >= DISK_CHECK_BYTES) {
                sinceDiskCheck = 0;
                String refusal = service.diskRefusal();
                if (refusal != null) {
                    throw new DiskLowException(refusal + "; upload stopped");
                }
            }
        } catch (Throwable t) {
            fail(t);
        }
    }

    private void fail(Throwable t) {
        failure = t;
        if (failed.compareAndSet(false, true)) {
            channel.eventLoop().execute(() -> onFailure.accept(t));
        }
    }

    private void resumeReading() {
        if (paused && !ending && budget.roomFor(pending.get()) && failure == null) {
            paused = false;
            channel.config().setAutoRead(true);
            channel.read();
        }
    }

    /** Queues {@code task} behind this upload's earlier ones; false (and the upload failed) if refused. */
    private boolean run(Runnable task) {
        try {
            serial.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            fail(new IOException("file executor saturated or stopped"));
            return false;
        }
    }
}
