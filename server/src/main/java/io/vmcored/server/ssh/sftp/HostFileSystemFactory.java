package io.vmcored.server.ssh.sftp;

import io.vmcored.server.ssh.auth.SshIdentity;
import io.vmcored.server.ssh.fs.SshSpool;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.sshd.common.file.FileSystemFactory;
import org.apache.sshd.common.file.root.RootedFileSystemProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionContext;

/**
 * SFTP sees a file system rooted at the host's area {@code <spool>/<host>/}: "/" is the area,
 * ".." cannot climb out. Paths are further mapped by {@link SpoolSftpAccessor}.
 */
public final class HostFileSystemFactory implements FileSystemFactory {

    private final SshSpool spool;

    public HostFileSystemFactory(SshSpool spool) {
        this.spool = spool;
    }

    @Override
    public Path getUserHomeDir(SessionContext session) throws IOException {
        return null; // the rooted file system's "/" is the home
    }

    @Override
    public FileSystem createFileSystem(SessionContext session) throws IOException {
        SshIdentity id = SshIdentity.of((Session) session);
        if (id.enrollmentOnly()) {
            throw new IOException("the enrollment login may only add keys with ssh-copy-id");
        }
        Path root = spool.root().resolve(id.host());
        Files.createDirectories(root);
        return new RootedFileSystemProvider().newFileSystem(root, Map.of());
    }
}
