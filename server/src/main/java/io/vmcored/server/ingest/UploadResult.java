package io.vmcored.server.ingest;

/**
 * What a sender is told when its upload ended, whatever the transport; each transport words it
 * in its own format (a reply line, an HTTP status and JSON body).
 *
 * @param ending    how it ended
 * @param refusal   why it was refused, when {@code ending} is {@link Ending#REFUSED}
 * @param id        the catalog id, or null if no dump was opened
 * @param state     the dump's state afterwards, or null
 * @param fileState "complete" or "incomplete", or null
 * @param committed stream bytes the server holds, or null
 * @param offset    where a resumed upload must start, or null
 * @param size      bytes of the stored file, or null
 * @param checksum  the stored file's checksum when known, or null
 * @param message   for the operator and the sender's log, or null
 */
public record UploadResult(Ending ending, Refusal refusal, String id, String state, String file, String fileState,
                           Long committed, Long offset, Long size, String checksum, String message) {

    /** The ways an upload ends. */
    public enum Ending {
        /** The file arrived whole. */
        COMPLETE,
        /** Cut short; what arrived is kept and resumable where a resume point exists. */
        INCOMPLETE,
        /** Stopped because the spool fell below its watermark. */
        DISK_LOW,
        /** The stream is not a valid flattened stream; the rest was discarded. */
        MALFORMED,
        /** Refused by a rule (see {@link Refusal}). */
        REFUSED,
        /** The collector could not store it (never opened, storage error). */
        STORAGE
    }

    static UploadResult refused(RefusedException e, String id) {
        return new UploadResult(Ending.REFUSED, e.reason(), id, null, null, null, null, e.offset(), null, null,
                e.getMessage());
    }

    static UploadResult storage(String message) {
        return new UploadResult(Ending.STORAGE, null, null, null, null, null, null, null, null, null, message);
    }
}
