package io.vmcored.server.daemon;

import io.vmcored.server.storage.PrivateFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * One server per spool and per state directory: two would interleave manifests and hand out
 * the same resume points. A {@code .vmcored.lock} file in each, locked (fcntl) for the life of
 * the process and holding its pid, so that the second one is told which process holds it. The
 * kernel drops the lock when the process dies, however it dies: no stale lock after a crash.
 */
final class InstanceLock implements AutoCloseable {

    static final String FILE_NAME = ".vmcored.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private InstanceLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Locks {@code dir} for this process; fails naming the holder when another one has it. */
    static InstanceLock acquire(Path dir, String what) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE), PrivateFiles.FILE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this JVM already (another server object on the same directory)
        }
        if (lock == null) {
            String holder = holder(ch);
            ch.close();
            throw new IOException(what + " " + dir + " is in use by another vmcored (" + holder + "): one server per "
                    + what + "; stop it or give this one its own --spool and --state");
        }
        byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
        ch.truncate(0);
        ch.write(ByteBuffer.wrap(pid), 0);
        return new InstanceLock(ch, lock);
    }

    private static String holder(FileChannel ch) {
        try {
            ByteBuffer b = ByteBuffer.allocate(32);
            ch.read(b, 0);
            String pid = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).strip();
            return pid.matches("\\d{1,10}") ? "pid " + pid : "pid unknown";
        } catch (IOException e) {
            return "pid unknown";
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
