package io.vmcored.server.storage;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The free-space watermark of the spool: below it new uploads are refused and running
 * ones stopped (and marked incomplete), so the server never fills the disk to the last byte.
 */
public final class DiskGuard {

    private final FileStore store;
    private volatile long minFree;

    public DiskGuard(Path spool, long minFreeBytes) throws IOException {
        this.store = Files.getFileStore(spool);
        this.minFree = minFreeBytes;
    }

    /** Usable bytes now (a statfs call: cheap, non-blocking in practice). */
    public long free() {
        try {
            return store.getUsableSpace();
        } catch (IOException e) {
            return 0;
        }
    }

    public long minFree() {
        return minFree;
    }

    /** A new watermark (a reload); uploads already running are judged by it from now on. */
    public void minFree(long bytes) {
        this.minFree = bytes;
    }

    public boolean low() {
        return free() < minFree;
    }

    /** The operator-facing reason for a refusal. */
    public String reason() {
        return "spool low on disk space: " + free() + " bytes free, minimum " + minFree;
    }
}
