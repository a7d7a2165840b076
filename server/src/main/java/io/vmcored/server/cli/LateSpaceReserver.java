package io.vmcored.server.cli;

import io.vmcored.protocol.rearrange.SpaceReserver;
import io.vmcored.server.storage.FileSpaceReserver;
import java.nio.file.Path;

/**
 * A {@link FileSpaceReserver} opened on a thread of its own, for the command line.
 *
 * <p>Why late: binding libc through JNA takes 50-90 ms, a tenth of rearranging a 2 GB
 * stream; the rearranging starts at once and the ranges written before the binding is
 * ready are simply not reserved.
 */
final class LateSpaceReserver implements SpaceReserver {

    private volatile FileSpaceReserver ready;
    private volatile boolean closed;
    private Thread opener;

    private LateSpaceReserver() {
    }

    static LateSpaceReserver start(Path file) {
        LateSpaceReserver r = new LateSpaceReserver();
        Thread t = new Thread(() -> {
            FileSpaceReserver opened = FileSpaceReserver.open(file);
            synchronized (r) {
                if (r.closed) {
                    opened.close();
                } else {
                    r.ready = opened;
                }
            }
        }, "vmcored-reserve");
        t.setDaemon(true);
        t.start();
        r.opener = t;
        return r;
    }

    @Override
    public boolean reserve(long from, long to) {
        FileSpaceReserver r = ready;
        return r == null || r.reserve(from, to); // not bound yet: this range goes unreserved
    }

    /**
     * Gives back what was reserved past {@code size}, the dump's final size. A binding still
     * loading (a small stream) is not waited for, except in the launcher's class-data
     * archive run (property {@code vmcored.archive-run}), so that the archive holds JNA's
     * classes too.
     */
    void close(long size) throws InterruptedException {
        if (Boolean.getBoolean("vmcored.archive-run")) {
            opener.join(5000);
        }
        synchronized (this) {
            closed = true;
            if (ready != null) {
                ready.close(size);
            }
        }
    }
}
