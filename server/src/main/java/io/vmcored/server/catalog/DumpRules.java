package io.vmcored.server.catalog;

import io.vmcored.server.catalog.Manifest.FileEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * When a dump is complete: the state rules of every transport, as pure functions of its
 * manifest, so that they can be read (and tested) in one place without a network.
 *
 * <ul>
 *   <li>A dump ends complete when its dump file arrived whole; a dump the server steered to
 *       the kernel log only ends complete when any of its files did.</li>
 *   <li>A dump is over when its dump file ends (TCP, HTTP), when the sender says so (END), or
 *       for clients that write files by name (SSH) when its dump file got its final name or
 *       no session touched it for the settle time.</li>
 * </ul>
 */
final class DumpRules {

    /** The state a dump ends in, and why if it is not complete. */
    record Ending(DumpState state, String problem) {
    }

    private DumpRules() {
    }

    /** The dump's final state now that the sender has sent everything it will send. */
    static Ending atEnd(Manifest m) {
        FileEntry main = m.dumpFile == null ? null : m.files.get(m.dumpFile);
        if (main != null && main.state == DumpState.COMPLETE) {
            return new Ending(DumpState.COMPLETE, null);
        }
        if (main == null && kernelLogOnly(m) && m.files.values().stream().anyMatch(f -> f.state == DumpState.COMPLETE)) {
            return new Ending(DumpState.COMPLETE, null);
        }
        String why = main == null ? "no dump file was received" : main.problem;
        return new Ending(DumpState.INCOMPLETE, why == null ? "dump file incomplete" : why);
    }

    /** Whether the end of file {@code name} ends the dump (TCP, HTTP): its dump file, or any file of a kernel-log-only dump. */
    static boolean fileEndsDump(Manifest m, String name) {
        return name.equals(m.dumpFile) || (kernelLogOnly(m) && m.dumpFile == null);
    }

    /**
     * Whether a file written by name (SSH) ends the dump once it has its final name: only
     * when the dump has a dump file by then; a kernel log sent first leaves it receiving.
     */
    static boolean namedFileEndsDump(Manifest m, String name) {
        return !ClientNames.awaitsRename(name) && m.dumpFile != null;
    }

    /** Whether a receiving dump of a client that writes files by name has been quiet long enough to end it. */
    static boolean quietFor(Manifest m, Instant now, Duration settle) {
        return m.state == DumpState.RECEIVING && Transport.parse(m.transport) == Transport.SSH && m.updated != null
                && !Instant.parse(m.updated).isAfter(now.minus(settle));
    }

    /** How a quiet dump ends: as it stands, unless a file still waits for the rename that makes it count. */
    static Ending whenQuiet(Manifest m, Duration settle) {
        List<String> orphans = m.files.keySet().stream().filter(ClientNames::awaitsRename).sorted().toList();
        if (orphans.isEmpty()) {
            return atEnd(m);
        }
        return new Ending(DumpState.INCOMPLETE, "the client never renamed " + String.join(", ", orphans)
                + " (no session for " + settle.toSeconds() + " s)");
    }

    /** A dump the server steered to send its kernel log only. */
    static boolean kernelLogOnly(Manifest m) {
        Map<String, String> steer = m.steer;
        Map<String, String> admission = m.admission;
        return steer != null && "dmesg".equals(steer.get("mode"))
                || admission != null && "dmesg".equals(admission.get("decision"));
    }
}
