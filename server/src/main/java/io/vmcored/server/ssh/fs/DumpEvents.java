package io.vmcored.server.ssh.fs;

import io.vmcored.protocol.rearrange.ContentKind;
import io.vmcored.protocol.rearrange.StreamReceiver;
import java.nio.file.Path;

/**
 * What the SSH side tells the dump catalog. A dump directory is {@code <spool>/<host>/<dir>/};
 * {@code file} is the stored name inside it. Called from worker threads, never an event loop.
 */
public interface DumpEvents {

    /** An upload into a dump directory started; {@code kind} is known after the first bytes. */
    void receiving(String host, Path dumpDir, String file, ContentKind kind);

    /**
     * The upload's final state: {@code complete} is true only when the client's sequence finished
     * (mv from *-incomplete, or EOF + exit 0) and a flattened stream's end marker arrived.
     */
    void stored(String host, Path dumpDir, String file, StreamReceiver.Outcome outcome, boolean complete);
}
