package io.vmcored.server.storage;

import io.vmcored.protocol.rearrange.SpaceReserver;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * Reserves blocks of one dump file ahead of its writes with {@code fallocate(KEEP_SIZE)}
 * through a descriptor of its own (same inode, so a client renaming the file meanwhile
 * changes nothing), and gives back what was reserved but not written when closed.
 *
 * <p>Best effort: where the call is missing or refused (no JNA, a file system without
 * fallocate, no space for the reservation) it reserves nothing and writes go on as usual;
 * a full disk is then reported by the write itself.
 */
public final class FileSpaceReserver implements SpaceReserver, AutoCloseable {

    private final LongSupplier reservable;
    private int fd;
    private boolean reserved;

    private FileSpaceReserver(int fd, LongSupplier reservable) {
        this.fd = fd;
        this.reservable = reservable;
    }

    /** Whether reserving works in this process (JNA and libc's fallocate could be bound). */
    public static boolean available() {
        return LinuxFileCalls.available();
    }

    /** A reserver for {@code file} with no limit but the disk's (the command line). */
    public static FileSpaceReserver open(Path file) {
        return open(file, () -> Long.MAX_VALUE);
    }

    /**
     * A reserver for {@code file} that reserves only while a reservation fits in
     * {@code reservable} bytes (the server: free space above its watermark). Reserves
     * nothing where it cannot work (no JNA, the file cannot be opened).
     */
    public static FileSpaceReserver open(Path file, LongSupplier reservable) {
        if (!LinuxFileCalls.available()) {
            return new FileSpaceReserver(-1, reservable);
        }
        return new FileSpaceReserver(LinuxFileCalls.open(file.toString(),
                LinuxFileCalls.O_WRONLY | LinuxFileCalls.O_CLOEXEC), reservable);
    }

    @Override
    public synchronized boolean reserve(long from, long to) {
        if (fd < 0 || to <= from || to - from > reservable.getAsLong()) {
            return false;
        }
        boolean ok = LinuxFileCalls.fallocate(fd, LinuxFileCalls.FALLOC_FL_KEEP_SIZE, from, to - from) == 0;
        reserved |= ok;
        return ok;
    }

    /**
     * Frees the blocks reserved past {@code size} (the file's final size: truncating to
     * it leaves the content as it is) and closes the descriptor.
     */
    public synchronized void close(long size) {
        if (fd < 0) {
            return;
        }
        if (reserved) {
            LinuxFileCalls.ftruncate(fd, size);
        }
        close();
    }

    /** Closes without releasing (the file is being deleted, or its size is unknown). */
    @Override
    public synchronized void close() {
        if (fd >= 0) {
            LinuxFileCalls.close(fd);
            fd = -1;
        }
    }
}
