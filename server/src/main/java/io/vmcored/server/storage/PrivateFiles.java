package io.vmcored.server.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * A vmcore is the crashed machine's whole memory (keys, passwords, customer data): every file
 * the server writes is 0600 and every directory 0700, whatever the umask it was started with.
 * The process umask is set to 077 at start (so that libraries' files follow too), and the
 * server's own files are also created with these modes explicitly, in case it could not be.
 */
public final class PrivateFiles {

    public static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    public static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    public static final FileAttribute<Set<PosixFilePermission>> FILE = PosixFilePermissions.asFileAttribute(FILE_MODE);
    public static final FileAttribute<Set<PosixFilePermission>> DIR = PosixFilePermissions.asFileAttribute(DIR_MODE);

    private PrivateFiles() {
    }

    /** Sets the process umask to 077; returns the previous one, or -1 where it cannot (no JNA). */
    public static int restrictUmask() {
        return LinuxFileCalls.available() ? LinuxFileCalls.umask(077) : -1;
    }

    /**
     * Makes an existing directory 0700 (the spool and state roots, which an operator may have
     * made with the usual 0755); returns its mode before, or null if it already was.
     */
    public static String restrict(Path dir) throws IOException {
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir);
        if (mode.equals(DIR_MODE)) {
            return null;
        }
        Files.setPosixFilePermissions(dir, DIR_MODE);
        return PosixFilePermissions.toString(mode);
    }

    /** {@code mkdir -p} with mode 0700 for every directory it creates. */
    public static Path directories(Path dir) throws IOException {
        return Files.createDirectories(dir, DIR);
    }
}
