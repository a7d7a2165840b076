package io.vmcored.server.ssh.fs;

import io.vmcored.server.storage.PrivateFiles;
import io.vmcored.protocol.rearrange.ContentKind;
import io.vmcored.server.catalog.ClientNames;
import io.vmcored.server.catalog.DumpRecord;
import io.vmcored.server.catalog.FileUpload;
import io.vmcored.server.ingest.IngestService;
import io.vmcored.server.catalog.Transport;
import io.vmcored.server.ingest.RefusedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One host's area {@code <spool>/<host>/}: every file operation an SSH client can ask for.
 * Paths come from {@link ClientPaths} (lexical, confined); on disk, links are never followed,
 * so a symlink planted in the spool cannot lead out of it. Nothing here deletes a file.
 *
 * <p>Naming ({@link ClientNames}): a rearranged flattened stream drops a trailing {@code .flat}
 * ({@code vmcore.flat} is stored as {@code vmcore}); looking up {@code X.flat} finds the stored
 * {@code X}; a stream stored unwrapped drops its compressor's suffix ({@code dump.1.gz} as
 * {@code dump.1}) and is found under it. What the client's names and renames mean for the dump's state is the catalog's rule.
 */
public final class HostArea {

    private static final Logger LOG = LoggerFactory.getLogger(HostArea.class);
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SshSpool spool;
    private final String host;
    private final Path root;

    HostArea(SshSpool spool, String host, Path root) {
        this.spool = spool;
        this.host = host;
        this.root = root;
    }

    /** Null while the spool takes uploads, else why not (the watermark). */
    String diskRefusal() {
        return spool.ingest().diskRefusal();
    }

    public String host() {
        return host;
    }

    public SpoolPath map(String clientPath) {
        return spool.paths().map(clientPath);
    }

    public String home() {
        return spool.paths().home();
    }

    /** The real location; callers use it only with NOFOLLOW operations. */
    public Path real(SpoolPath p) {
        if (p.isRoot()) {
            return root;
        }
        Path dir = root.resolve(p.dir());
        if (Files.isSymbolicLink(dir)) {
            // NOFOLLOW only guards the last component: a linked dump directory is refused outright
            throw new IllegalArgumentException(p.clientPath() + ": '" + p.dir() + "' is a symbolic link; vmcored never follows links");
        }
        return p.isFile() ? dir.resolve(p.file()) : dir;
    }

    public boolean isDirectory(SpoolPath p) {
        return !p.isFile() && Files.isDirectory(real(p), NOFOLLOW) || p.isRoot();
    }

    /** The stored file for a client name, honouring the .flat rule; null if there is none. */
    public Path existingFile(SpoolPath p) {
        if (!p.isFile()) {
            return null;
        }
        Path f = real(p);
        if (Files.isRegularFile(f, NOFOLLOW)) {
            return f;
        }
        String stripped = ClientNames.withoutFlatSuffix(p.file());
        if (stripped != null && Files.isRegularFile(f.resolveSibling(stripped), NOFOLLOW)) {
            return f.resolveSibling(stripped);
        }
        return unwrappedFile(p, f);
    }

    /** {@code X.gz} (.bz2, .xz, .lz4) names the stored {@code X} if X was stored unwrapped from that compressor. */
    private Path unwrappedFile(SpoolPath p, Path f) {
        int dot = p.file().lastIndexOf('.');
        if (dot <= 0) {
            return null;
        }
        Path stored = f.resolveSibling(p.file().substring(0, dot));
        if (!Files.isRegularFile(stored, NOFOLLOW)) {
            return null;
        }
        try {
            ContentKind wrapper = spool.catalog().register(host, p.dir(), Transport.SSH)
                    .unwrappedFrom(stored.getFileName().toString());
            return wrapper != null && p.file().equals(stored.getFileName() + ClientNames.wrapperSuffix(wrapper))
                    ? stored : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** mkdir -p: the area itself always exists; a dump directory is created once. */
    public void mkdirs(SpoolPath p) throws IOException {
        if (p.isFile()) {
            throw new IOException(p.clientPath() + ": too deep; vmcored keeps one directory per dump");
        }
        PrivateFiles.directories(root);
        if (p.isDir()) {
            Path d = real(p);
            try {
                Files.createDirectory(d, PrivateFiles.DIR);
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(d, NOFOLLOW)) {
                    throw new IOException(p.clientPath() + ": exists and is not a directory");
                }
            }
        }
    }

    /** mktemp -d -p PARENT: a fresh empty directory; returns its client path. */
    public String mktemp(SpoolPath parent) throws IOException {
        if (!parent.isRoot()) {
            throw new IOException(parent.clientPath() + ": vmcored creates temporary directories only in the base path");
        }
        PrivateFiles.directories(root);
        for (int attempt = 0; attempt < 100; attempt++) {
            String name = "tmp." + randomName(10);
            try {
                Files.createDirectory(root.resolve(name), PrivateFiles.DIR);
                return parent.child(name).clientPath();
            } catch (FileAlreadyExistsException e) {
                // try another name
            }
        }
        throw new IOException(parent.clientPath() + ": no free temporary name after 100 attempts");
    }

    /** rmdir: only an empty dump directory. */
    public void rmdir(SpoolPath p) throws IOException {
        if (!p.isDir()) {
            throw new IOException(p.clientPath() + ": not a removable directory");
        }
        Path d = real(p);
        if (!Files.isDirectory(d, NOFOLLOW)) {
            throw new IOException(p.clientPath() + ": No such file or directory");
        }
        try {
            Files.delete(d);
        } catch (DirectoryNotEmptyException e) {
            throw new IOException(p.clientPath() + ": Directory not empty");
        }
    }

    /** Starts writing a file (truncating one of the same name) in its dump's catalog record. */
    public Upload create(SpoolPath p) throws IOException {
        if (!p.isFile()) {
            throw new IOException(p.clientPath() + ": is a directory; files go into a dump directory <base>/<dir>/<file>");
        }
        Path f = real(p);
        if (Files.isSymbolicLink(f) || Files.isDirectory(f, NOFOLLOW)) {
            throw new IOException(p.clientPath() + ": exists and is not a regular file; refusing to write through it");
        }
        try {
            return new Upload(this, p, spool.ingest().openNamed(host, p.dir(), p.file()));
        } catch (RefusedException e) {
            throw refused(p, e);
        }
    }

    /**
     * Completes when a file may be created at {@code p}: at once unless it is a dump, which
     * waits for the admission policy ({@link IngestService#admitNamed}); fails with the policy's
     * refusal. Blocking for a moment (reads the kernel log the client sent before).
     */
    public CompletableFuture<Void> admit(SpoolPath p, Runnable keepAlive) throws IOException {
        if (!p.isFile()) {
            return CompletableFuture.completedFuture(null);
        }
        try {
            return spool.ingest().admitNamed(host, p.dir(), p.file(), keepAlive);
        } catch (RefusedException e) {
            throw refused(p, e);
        }
    }

    /**
     * Starts writing the file once {@code turn} (from {@link #admit}) has completed: the file is
     * created, or the policy's refusal is thrown as the client's error.
     */
    public Upload create(SpoolPath p, CompletableFuture<Void> turn) throws IOException {
        try {
            turn.join();
        } catch (CompletionException | CancellationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw cause instanceof RefusedException r ? refused(p, r)
                    : new IOException(p.clientPath() + ": " + cause.getMessage(), cause);
        }
        return create(p);
    }

    /** The file the client was told it may not write: its words, and one log line. */
    private IOException refused(SpoolPath p, RefusedException e) {
        LOG.warn("host={} file={} outcome=refused reason={}", host, p.clientPath(), e.getMessage());
        return new IOException(p.clientPath() + ": upload refused: " + e.getMessage());
    }

    void ended(FileUpload upload) {
        spool.ingest().namedEnded(upload);
    }

    /** Writes a small text file at once (echo ... > FILE). */
    public void writeText(SpoolPath p, byte[] text) throws IOException {
        Upload u = create(p);
        u.feed(ByteBuffer.wrap(text));
        u.finish();
    }

    /**
     * mv FROM TO (TO may be a directory), within one dump directory. Renaming away from
     * {@code *-incomplete} is what makes a RHEL/Debian dump complete (if its stream was whole);
     * a rearranged stream renamed to {@code X.flat} is stored as {@code X}.
     */
    public SpoolPath rename(SpoolPath from, SpoolPath to) throws IOException {
        Path src = existingFile(from);
        if (src == null) {
            throw new NoSuchFileException(from.clientPath() + ": No such file");
        }
        SpoolPath target = isDirectory(to) ? to.child(from.file()) : to;
        if (!target.isFile()) {
            throw new IOException(to.clientPath() + ": is not a file name inside a dump directory");
        }
        if (!target.dir().equals(from.dir())) {
            throw new IOException("mv " + from.clientPath() + " " + to.clientPath() + ": files stay in their dump directory");
        }
        String srcName = src.getFileName().toString();
        DumpRecord record = spool.catalog().register(host, from.dir(), Transport.SSH);
        String storedName = target.file();
        String unwrapped = ClientNames.withoutWrapperSuffix(storedName, record.unwrappedFrom(srcName));
        if (unwrapped != null) {
            storedName = unwrapped; // dump-incomplete.gz -> dump.STAMP.gz: the stored file is no longer gzip
        }
        String stripped = ClientNames.withoutFlatSuffix(storedName);
        if (stripped != null && !startsFlattened(src)) {
            storedName = stripped; // its content was rearranged: it is no longer a flattened stream
        }
        Path dst = src.resolveSibling(storedName);
        if (Files.isSymbolicLink(dst) || Files.isDirectory(dst, NOFOLLOW)) {
            throw new IOException(target.clientPath() + ": exists and is not a regular file");
        }
        if (!srcName.equals(storedName)) {
            record.renameFile(srcName, storedName);
        }
        record.namedFileRenamed(srcName, storedName);
        return new SpoolPath(target.dir(), storedName, target.clientPath());
    }

    public long freeKiB() throws IOException {
        PrivateFiles.directories(root);
        return store().getUsableSpace() / 1024;
    }

    public long totalKiB() throws IOException {
        PrivateFiles.directories(root);
        return store().getTotalSpace() / 1024;
    }

    private FileStore store() throws IOException {
        return Files.getFileStore(root);
    }

    private static boolean startsFlattened(Path f) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(ContentKind.SNIFF_BYTES);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            while (head.hasRemaining() && ch.read(head) > 0) {
                // fill the head
            }
        }
        head.flip();
        return ContentKind.sniff(head) == ContentKind.FLATTENED;
    }

    private static String randomName(int n) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return b.toString();
    }
}
