package io.vmcored.server.ssh.sftp;

import io.vmcored.server.ssh.auth.SshIdentity;
import io.vmcored.server.ssh.fs.HostArea;
import io.vmcored.server.ssh.fs.SpoolPath;
import io.vmcored.server.ssh.fs.SshSpool;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.CopyOption;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.security.Principal;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.Handle;
import org.apache.sshd.sftp.server.SftpEventListener;
import org.apache.sshd.sftp.server.SftpFileSystemAccessor;
import org.apache.sshd.sftp.server.SftpSubsystemProxy;

/**
 * SFTP within the same rules as the exec commands: client paths go through the host's
 * {@link HostArea} mapping (so {@code /var/crash/<d>/<f>} lands in {@code <spool>/<host>/<d>/<f>}),
 * files opened for writing become {@link UploadChannel}s, renames follow the mv rules, and
 * nothing can be deleted, linked or copied.
 */
public final class SpoolSftpAccessor implements SftpFileSystemAccessor {

    /** Marks uploads whose handle the client closed itself (SSH_FXP_CLOSE), as opposed to a lost session. */
    public static final SftpEventListener CLOSE_TRACKER = new SftpEventListener() {
        @Override
        public void closing(ServerSession session, String remoteHandle, Handle handle) {
            if (handle instanceof FileHandle f && f.getFileChannel() instanceof UploadChannel u) {
                u.clientClosed();
            }
        }
    };

    private final SshSpool spool;

    public SpoolSftpAccessor(SshSpool spool) {
        this.spool = spool;
    }

    @Override
    public Path resolveLocalFilePath(SftpSubsystemProxy subsystem, Path rootDir, String remotePath) throws IOException {
        HostArea area = area(subsystem);
        SpoolPath p;
        try {
            p = area.map(remotePath);
        } catch (IllegalArgumentException e) {
            throw new InvalidPathException(remotePath, e.getMessage());
        }
        Path root = rootDir.getFileSystem().getPath("/");
        if (p.isRoot()) {
            return root;
        }
        if (p.isDir()) {
            return root.resolve(p.dir());
        }
        Path existing = area.existingFile(p);
        String name = existing != null ? existing.getFileName().toString() : p.file();
        return root.resolve(p.dir()).resolve(name);
    }

    @Override
    public SeekableByteChannel openFile(SftpSubsystemProxy subsystem, FileHandle fileHandle, Path file, String handle,
                                        Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
        if (!options.contains(StandardOpenOption.WRITE) && !options.contains(StandardOpenOption.APPEND)) {
            return SftpFileSystemAccessor.seekableByteChannelNoLinkFollow(file, options, attrs);
        }
        if (!options.contains(StandardOpenOption.CREATE) && !options.contains(StandardOpenOption.CREATE_NEW)
                && !options.contains(StandardOpenOption.TRUNCATE_EXISTING) && !options.contains(StandardOpenOption.APPEND)) {
            // MINA opens the file like this to apply a "size" attribute (FSETSTAT after an upload):
            // the stored size is vmcored's business, so the request is accepted and ignored
            return new IgnoredSizeChannel();
        }
        if (options.contains(StandardOpenOption.APPEND) || options.contains(StandardOpenOption.READ)) {
            throw new AccessDeniedException(file.toString(), null, "vmcored stores new files only (no append, no read-write)");
        }
        HostArea area = area(subsystem);
        SpoolPath target = spoolPath(area, file);
        return new UploadChannel(area.create(target, awaitTurn(area, target, subsystem.getServerSession())));
    }

    @Override
    public void renameFile(SftpSubsystemProxy subsystem, Path oldPath, Path newPath, Collection<CopyOption> opts) throws IOException {
        HostArea area = area(subsystem);
        area.rename(spoolPath(area, oldPath), spoolPath(area, newPath));
    }

    @Override
    public void createDirectory(SftpSubsystemProxy subsystem, Path path) throws IOException {
        HostArea area = area(subsystem);
        area.mkdirs(spoolPath(area, path));
    }

    @Override
    public void removeFile(SftpSubsystemProxy subsystem, Path path, boolean isDirectory) throws IOException {
        HostArea area = area(subsystem);
        if (!isDirectory) {
            throw new AccessDeniedException(path.toString(), null, "vmcored never deletes stored files");
        }
        area.rmdir(spoolPath(area, path));
    }

    @Override
    public void createLink(SftpSubsystemProxy subsystem, Path link, Path existing, boolean symLink) throws IOException {
        throw new AccessDeniedException(link.toString(), null, "links are not supported");
    }

    @Override
    public String resolveLinkTarget(SftpSubsystemProxy subsystem, Path link) throws IOException {
        throw new AccessDeniedException(link.toString(), null, "links are not supported");
    }

    @Override
    public void copyFile(SftpSubsystemProxy subsystem, Path src, Path dst, Collection<CopyOption> opts) throws IOException {
        throw new AccessDeniedException(dst.toString(), null, "copies are not supported");
    }

    @Override
    public void setFileOwner(SftpSubsystemProxy subsystem, Path path, Principal value, LinkOption... options) {
        // ownership is the daemon's
    }

    @Override
    public void setGroupOwner(SftpSubsystemProxy subsystem, Path path, Principal value, LinkOption... options) {
        // ownership is the daemon's
    }

    @Override
    public void setFilePermissions(SftpSubsystemProxy subsystem, Path path, Set<PosixFilePermission> perms,
                                   LinkOption... options) {
        // lftp's chmod 700: the spool's permissions apply
    }

    /**
     * A dump file waits here for its admission, and the completed turn is returned: the SFTP
     * subsystem has a thread of its own per session, and the client waits for the answer to its
     * OPEN before it writes.
     */
    private static CompletableFuture<Void> awaitTurn(HostArea area, SpoolPath target, ServerSession session)
            throws IOException {
        CompletableFuture<Void> turn = area.admit(target, session::resetIdleTimeout);
        try {
            turn.get();
        } catch (InterruptedException e) {
            turn.cancel(false);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(target.clientPath() + ": interrupted while waiting for its turn");
        } catch (ExecutionException e) {
            // a refusal: HostArea.create(target, turn) words it for the client
        }
        return turn;
    }

    private HostArea area(SftpSubsystemProxy subsystem) {
        return spool.area(SshIdentity.of(subsystem.getServerSession()).host());
    }

    /** The rooted path ("/dir/file") back to the area's mapping. */
    private static SpoolPath spoolPath(HostArea area, Path rooted) {
        try {
            return area.map(rooted.toAbsolutePath().normalize().toString());
        } catch (IllegalArgumentException e) {
            throw new InvalidPathException(rooted.toString(), e.getMessage());
        }
    }
}
