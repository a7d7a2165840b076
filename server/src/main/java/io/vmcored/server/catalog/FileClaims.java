package io.vmcored.server.catalog;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One upload per file of a dump at a time. A second one stops the first (its transport's
 * stop hook, e.g. closing a connection whose link died silently) and is refused with
 * {@link UploadBusyException}: the sender retries and resumes. Guarded by the record's lock.
 */
final class FileClaims {

    private final Set<String> opening = new HashSet<>();
    private final Map<String, FileUpload> active = new HashMap<>();

    /** Claims {@code name} for a new upload, or stops the one holding it and refuses. */
    void claim(String name, String dumpId) throws UploadBusyException {
        if (opening.contains(name) || active.containsKey(name)) {
            FileUpload earlier = active.get(name);
            if (earlier != null) {
                earlier.stop();
            }
            throw new UploadBusyException("file " + name + " of dump " + dumpId + " is still being received by an"
                    + " earlier connection; it is being stopped, retry in a few seconds");
        }
        opening.add(name);
    }

    /** The claimed upload could not open. */
    void unclaim(String name) {
        opening.remove(name);
    }

    FileUpload opened(String name, FileUpload up) {
        opening.remove(name);
        active.put(name, up);
        return up;
    }

    void ended(String name) {
        active.remove(name);
    }

    /** Renames follow the file: an upload still writing it keeps its claim under the new name. */
    void renamed(String from, String to) {
        FileUpload up = active.remove(from);
        if (up != null) {
            active.put(to, up);
        }
    }

    /** True while any file is opening or being written. */
    boolean any() {
        return !opening.isEmpty() || !active.isEmpty();
    }

    /** True while an upload of {@code name} is opening or running. */
    boolean holds(String name) {
        return opening.contains(name) || active.containsKey(name);
    }
}
