package io.vmcored.server.storage;

import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * The libc calls the JDK does not offer (fallocate, and open/ftruncate/close on a
 * descriptor of our own to use it with; renameat2 to swap two files; umask), bound with JNA's
 * direct mapping. renameat2 needs glibc 2.28 (RHEL 8, Debian 10).
 *
 * <p>Loaded on first use; {@link #available()} is false wherever JNA or its native part
 * cannot load (non-Linux, a read-only temp directory): callers then do without.
 */
public final class LinuxFileCalls {

    static final int O_WRONLY = 01;
    static final int O_CLOEXEC = 02000000;
    static final int FALLOC_FL_KEEP_SIZE = 1;
    public static final int AT_FDCWD = -100;
    public static final int RENAME_EXCHANGE = 2;

    private LinuxFileCalls() {
    }

    public static boolean available() {
        return Bound.OK;
    }

    static native int open(String path, int flags);

    static native int fallocate(int fd, int mode, long offset, long length);

    static native int ftruncate(int fd, long length);

    static native int close(int fd);

    public static native int renameat2(int oldDirFd, String oldPath, int newDirFd, String newPath, int flags);

    /** Sets the process's file mode creation mask; returns the previous one. */
    static native int umask(int mask);

    /** Holder: binding happens when {@link #available()} is first called. */
    private static final class Bound {
        static final boolean OK = bind();

        private static boolean bind() {
            if (!Platform.isLinux()) {
                return false;
            }
            try {
                Native.register(LinuxFileCalls.class, "libc.so.6"); // the file itself: "c" makes JNA run ldconfig to find it
                return true;
            } catch (LinkageError | RuntimeException e) {
                return false;
            }
        }
    }
}
