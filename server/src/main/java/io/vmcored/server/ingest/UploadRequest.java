package io.vmcored.server.ingest;

import io.vmcored.server.catalog.ManifestIo;
import io.vmcored.server.storage.SpoolLayout;
import java.util.Map;

/**
 * A sender's request about one file of one dump, whatever the transport: the TCP handshake's
 * words or the HTTP query.
 *
 * @param host    the crashed host (checked)
 * @param dumpId  the sender's id of the dump, or null (HTTP without {@code ?dump=})
 * @param file    the file inside the dump (checked)
 * @param offset  stream offset to resume at; 0 for a new upload
 * @param token   the presented token, or null
 * @param options what the sender says it used for the dump file (level, compress, mode)
 * @param peer    the sender's address, for the log of refusals
 */
public record UploadRequest(String host, String dumpId, String file, long offset, String token,
                            Map<String, String> options, String peer) {

    /**
     * A file name a sender may choose: one path element, and never the catalog's own manifest
     * (written over, it would break the dump for every reader, whoever's token did it).
     */
    public static String checkFile(String name) {
        SpoolLayout.checkName("file", name);
        if (name.equals(ManifestIo.FILE_NAME)) {
            throw new IllegalArgumentException("file \"" + name + "\": reserved for vmcored's own files");
        }
        return name;
    }

    /** Whether this is the dump's main file (its outcome decides the dump's state). */
    public boolean mainFile() {
        return file.equals(IngestService.MAIN_FILE);
    }
}
