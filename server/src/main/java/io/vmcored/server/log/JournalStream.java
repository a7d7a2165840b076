package io.vmcored.server.log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether standard error goes to the systemd journal: systemd sets {@code JOURNAL_STREAM} to
 * {@code <device>:<inode>} of the stream it connected, and the process checks that its stderr is
 * still that stream (a child whose stderr was redirected inherits the variable, not the journal).
 * There, a line may start with {@code <N>}, its syslog priority (sd-daemon(3)).
 */
public final class JournalStream {

    private static final boolean STDERR = connected(System.getenv("JOURNAL_STREAM"), Path.of("/proc/self/fd/2"));

    private JournalStream() {
    }

    /** Whether this process's stderr is the journal stream systemd gave it. */
    public static boolean stderr() {
        return STDERR;
    }

    /** Whether {@code fd} (a {@code /proc/self/fd/N} link, or any file) is the stream {@code journalStream} names. */
    static boolean connected(String journalStream, Path fd) {
        if (journalStream == null || !journalStream.matches("[0-9]+:[0-9]+")) {
            return false;
        }
        try {
            long dev = ((Number) Files.getAttribute(fd, "unix:dev")).longValue();
            long ino = ((Number) Files.getAttribute(fd, "unix:ino")).longValue();
            return journalStream.equals(Long.toUnsignedString(dev) + ":" + Long.toUnsignedString(ino));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException e) {
            return false; // cannot tell: plain lines are readable anywhere
        }
    }

    /** The sd-daemon prefix of a syslog priority: {@code <3>} error, {@code <4>} warning, {@code <6>} info, {@code <7>} debug. */
    public static String prefix(int priority) {
        return "<" + priority + ">";
    }
}
