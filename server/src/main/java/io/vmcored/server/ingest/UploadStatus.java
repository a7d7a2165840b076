package io.vmcored.server.ingest;

import java.util.Map;

/**
 * Where a sender's file stands (TCP HELLO, HTTP HEAD/GET): a sender whose final answer was
 * lost learns here that the file is already complete; a cut one, where to resume.
 *
 * @param id        the catalog id, or null for a dump the server has not seen
 * @param state     the dump's state, or "new"
 * @param fileState the file's state, or "new"
 * @param offset    where a resumed upload must start (0: from the beginning)
 * @param committed stream bytes the server holds
 * @param steer     what the server asks the sender to change (empty: send as configured)
 */
public record UploadStatus(String id, String state, String file, String fileState, long offset, long committed,
                           Map<String, String> steer) {
}
