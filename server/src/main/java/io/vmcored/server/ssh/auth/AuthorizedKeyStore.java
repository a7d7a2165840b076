package io.vmcored.server.ssh.auth;

import io.vmcored.server.storage.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * vmcored's own authorized-keys store: {@code <state>/authorized_keys}, one
 * {@code HOST KEYTYPE BASE64 [COMMENT]} line per key; '#' lines are comments. Not the system's.
 *
 * <p>Shared between the running server and the offline {@code vmcored keys} command: every
 * change is a whole-file rewrite through a temp file and an atomic rename, and the server
 * re-reads the file when its modification time or size changes, so keys added offline work
 * without a restart. A key maps to exactly one host; adding a known key to another host fails.
 */
public final class AuthorizedKeyStore {

    private static final Logger LOG = LoggerFactory.getLogger(AuthorizedKeyStore.class);

    public static final String FILE_NAME = "authorized_keys";
    public static final int MAX_KEYS = 100_000;

    private final Path file;
    private Map<String, AuthorizedKey> byBlob = Map.of();
    private FileTime loadedTime;
    private long loadedSize = -1;

    public AuthorizedKeyStore(Path stateDir) {
        this.file = stateDir.resolve(FILE_NAME);
    }

    public Path file() {
        return file;
    }

    /** The host a key belongs to, if it is enrolled. */
    public synchronized Optional<String> hostOf(String blobId) throws IOException {
        refresh();
        AuthorizedKey k = byBlob.get(blobId);
        return k == null ? Optional.empty() : Optional.of(k.host());
    }

    public synchronized List<AuthorizedKey> list() throws IOException {
        refresh();
        return List.copyOf(byBlob.values());
    }

    /** Adds keys; returns how many were new. A key already enrolled for the same host is skipped. */
    public synchronized int add(List<AuthorizedKey> keys) throws IOException {
        refresh();
        Map<String, AuthorizedKey> next = new LinkedHashMap<>(byBlob);
        int added = 0;
        for (AuthorizedKey k : keys) {
            AuthorizedKey old = next.get(k.blobId());
            if (old != null) {
                if (!old.host().equals(k.host())) {
                    throw new IllegalArgumentException("key " + k.fingerprint() + " already belongs to host '" + old.host()
                            + "', not '" + k.host() + "': revoke it first");
                }
                continue;
            }
            if (next.size() >= MAX_KEYS) {
                throw new IllegalStateException("key store " + file + " holds " + next.size() + " keys, limit " + MAX_KEYS);
            }
            next.put(k.blobId(), k);
            added++;
        }
        if (added > 0) {
            save(next);
        }
        return added;
    }

    /** Removes every key matching; returns the removed keys. */
    public synchronized List<AuthorizedKey> revoke(Predicate<AuthorizedKey> which) throws IOException {
        refresh();
        Map<String, AuthorizedKey> next = new LinkedHashMap<>();
        List<AuthorizedKey> removed = new ArrayList<>();
        for (AuthorizedKey k : byBlob.values()) {
            if (which.test(k)) {
                removed.add(k);
            } else {
                next.put(k.blobId(), k);
            }
        }
        if (!removed.isEmpty()) {
            save(next);
        }
        return removed;
    }

    private void refresh() throws IOException {
        FileTime time;
        long size;
        try {
            time = Files.getLastModifiedTime(file);
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            byBlob = Map.of();
            loadedTime = null;
            loadedSize = -1;
            return;
        }
        if (time.equals(loadedTime) && size == loadedSize) {
            return;
        }
        Map<String, AuthorizedKey> read = new LinkedHashMap<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lineNo++;
            if (line.isBlank() || line.stripLeading().startsWith("#")) {
                continue;
            }
            try {
                AuthorizedKey k = AuthorizedKey.parseStoreLine(line);
                read.putIfAbsent(k.blobId(), k);
            } catch (IllegalArgumentException e) {
                throw new IOException(file + " line " + lineNo + ": " + e.getMessage(), e);
            }
        }
        if (loadedTime != null) {
            long added = read.keySet().stream().filter(k -> !byBlob.containsKey(k)).count();
            long removed = byBlob.keySet().stream().filter(k -> !read.containsKey(k)).count();
            LOG.info("authorized keys re-read from {}: {} keys, {} added, {} removed", file, read.size(), added, removed);
        }
        byBlob = read;
        loadedTime = time;
        loadedSize = size;
    }

    private void save(Map<String, AuthorizedKey> keys) throws IOException {
        PrivateFiles.directories(file.getParent());
        StringBuilder text = new StringBuilder("# vmcored authorized keys: HOST KEYTYPE BASE64 [COMMENT]\n");
        for (AuthorizedKey k : keys.values()) {
            text.append(k.toStoreLine()).append('\n');
        }
        Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        byBlob = keys;
        loadedTime = Files.getLastModifiedTime(file);
        loadedSize = Files.size(file);
    }
}
