package io.vmcored.server.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmcored.server.storage.AtomicFile;
import io.vmcored.server.storage.PrivateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The operator's run-time exceptions to the admission policy: hosts that always send a full
 * dump, and signatures allowed more full dumps than the policy's N. Kept in
 * {@code <state>/admission.json} (written whole, atomically) so a restart keeps them.
 */
public final class AdmissionOverrides {

    static final String FILE_NAME = "admission.json";
    /** Bounds what a mistaken script can make the file hold. */
    static final int MAX_ENTRIES = 10_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The file's form. */
    public static final class State {
        public Set<String> alwaysFullHosts = new TreeSet<>();
        public Map<String, Integer> extraFull = new TreeMap<>();
    }

    private final Path dir;
    private State state;

    private AdmissionOverrides(Path dir, State state) {
        this.dir = dir;
        this.state = state;
    }

    /** Reads {@code dir/admission.json}, or starts empty; {@code dir} null keeps them in memory only (tests). */
    public static AdmissionOverrides open(Path dir) throws IOException {
        Path f = dir == null ? null : dir.resolve(FILE_NAME);
        if (f == null || !Files.exists(f)) {
            return new AdmissionOverrides(dir, new State());
        }
        try {
            return new AdmissionOverrides(dir, JSON.readValue(f.toFile(), State.class));
        } catch (IOException e) {
            throw new IOException(f + ": not an admission overrides file (" + e.getMessage().lines().findFirst()
                    .orElse("") + "); fix or remove it");
        }
    }

    public synchronized boolean alwaysFull(String host) {
        return state.alwaysFullHosts.contains(host);
    }

    public synchronized int extraFull(String signature) {
        return state.extraFull.getOrDefault(signature, 0);
    }

    public synchronized void alwaysFull(String host, boolean on) throws IOException {
        State next = copy();
        if (on) {
            next.alwaysFullHosts.add(host);
        } else {
            next.alwaysFullHosts.remove(host);
        }
        save(next);
    }

    /** {@code extra} more full dumps of {@code signature} than the policy allows; 0 removes the exception. */
    public synchronized void extraFull(String signature, int extra) throws IOException {
        State next = copy();
        if (extra == 0) {
            next.extraFull.remove(signature);
        } else {
            next.extraFull.put(signature, extra);
        }
        save(next);
    }

    public synchronized State snapshot() {
        return copy();
    }

    private State copy() {
        State s = new State();
        s.alwaysFullHosts.addAll(state.alwaysFullHosts);
        s.extraFull.putAll(state.extraFull);
        return s;
    }

    private void save(State next) throws IOException {
        if (next.alwaysFullHosts.size() + next.extraFull.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("admission overrides hold at most " + MAX_ENTRIES + " entries");
        }
        if (dir != null) {
            PrivateFiles.directories(dir);
            AtomicFile.write(dir, FILE_NAME, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(next), true);
        }
        state = next;
    }
}
