package io.vmcored.server.analysis;

import io.vmcored.server.catalog.Manifest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Map;

/**
 * Names and writes the kernel log files of a dump directory. The extracted log is
 * {@code dmesg.txt}; a client file of that name is the client's and is never replaced
 * (the extracted log then goes to {@code dmesg-vmcored.txt}).
 */
final class DmesgFiles {

    static final String NAME = "dmesg.txt";
    static final String FALLBACK_NAME = "dmesg-vmcored.txt";
    /** A sender's kernel log is bounded in what we parse: the crash is near the end, logs are ~1 MB at most. */
    static final long MAX_CLIENT_LOG = 16L << 20;

    private DmesgFiles() {
    }

    /** Where the extracted log goes: never over a file the client sent. */
    static String nameFor(Manifest m) {
        return sentByClient(m, NAME) ? FALLBACK_NAME : NAME;
    }

    /**
     * True when the manifest lists {@code name} as uploaded (an upload sniffs a content kind;
     * an entry without one was adopted from the directory after a lost manifest, so our own
     * dmesg.txt may be listed that way).
     */
    private static boolean sentByClient(Manifest m, String name) {
        Manifest.FileEntry e = m.files.get(name);
        return e != null && (e.contentKind != null || !(name.equals(NAME) || name.equals(FALLBACK_NAME)));
    }

    /**
     * The sender's own kernel log (e.g. vmcore-dmesg.txt from kdump-tools or the agent):
     * a complete plain-text file with "dmesg" in its name, or null.
     */
    static String clientLog(Manifest m) {
        for (Map.Entry<String, Manifest.FileEntry> f : m.files.entrySet()) {
            String name = f.getKey();
            Manifest.FileEntry e = f.getValue();
            boolean plain = e.contentKind == null || e.contentKind.equals("PLAIN");
            if (name.toLowerCase(Locale.ROOT).contains("dmesg") && plain && !name.equals(m.dumpFile)
                    && e.fileSize > 0 && sentByClient(m, name)) {
                return name;
            }
        }
        return null;
    }

    /** Reads at most the last {@link #MAX_CLIENT_LOG} bytes of a client log. */
    static byte[] readTail(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            long from = Math.max(0, size - MAX_CLIENT_LOG);
            ByteBuffer b = ByteBuffer.allocate((int) (size - from));
            while (b.hasRemaining() && ch.read(b, from + b.position()) > 0) {
                // fill
            }
            return b.array();
        }
    }

    /** Writes {@code text} as {@code dir/name}: temp file (0600), fsync, rename, so readers see all of it or none. */
    static void writeAtomically(Path dir, String name, byte[] text) throws IOException {
        // a unique dot-name: clients cannot upload dot files, and two analyses of one dump do not collide
        Path tmp = Files.createTempFile(dir, "." + name + ".", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(text);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // directory fsync is best effort (not every file system allows it); the file itself was forced
        }
    }
}
