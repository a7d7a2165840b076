package io.vmcored.server.catalog;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code manifest.json} of one dump directory: the only state the server keeps about a
 * dump besides the files themselves, so a restarted server can rebuild its catalog.
 * Mutable and not thread-safe: {@link DumpRecord} guards it.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class Manifest {

    public int version = 1;
    /** Catalog id, {@code <host>@<directory name>}. */
    public String id;
    public String host;
    /** Id chosen by the sender (agent handshake, HTTP {@code ?dump=}), used to resume; may be null. */
    public String clientId;
    /** A {@link Transport} label: tcp, http, ssh (older manifests: tcp-handshake). */
    public String transport;
    public DumpState state = DumpState.RECEIVING;
    public String created;
    public String updated;
    public String finished;
    /** Name of the main dump file inside the directory (e.g. vmcore, vmcore.flat). */
    public String dumpFile;
    /** Why the dump is incomplete or rejected, for the operator. */
    public String problem;
    public int resumes;
    /** What the server asked the sender for (steering): level, compress, mode. */
    public Map<String, String> steer;
    /** What the sender says it used for the dump file (handshake level=, compress=). */
    public Map<String, String> sender;
    /** The admission decision on the dump file: decision, reason, signature, steering, when. */
    public Map<String, String> admission;
    /** Facts read from the dump header: format, kernel release, crash time, machine. */
    public Map<String, String> inspect;
    /** Crash analysis (io.vmcored.server.analysis): kernel log file, panic line, frames, signature. */
    public Map<String, Object> analysis;
    public Map<String, FileEntry> files = new LinkedHashMap<>();
    /** Where the object store holds the dump's files (io.vmcored.server.store); null while only the spool does. */
    public StoredCopy store;

    /** One file of the dump directory. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static final class FileEntry {
        /** ContentKind sniffed from the first bytes (FLATTENED, ELF, KDUMP, PLAIN, ...). */
        public String contentKind;
        /** The compressor (GZIP, BZIP2, XZ, LZ4) whose wrapper was taken off before storing, if any. */
        public String unwrappedFrom;
        public DumpState state = DumpState.RECEIVING;
        /** Bytes of the stream as sent (a flattened stream is bigger than the file it becomes). */
        public long streamBytes;
        /** Stream bytes committed at a record boundary: where a resumed sender continues. */
        public long committedBytes;
        public long fileSize;
        /** xxh64 of the stored file, {@code xxh64:<16 hex>}, once finished. */
        public String checksum;
        public String problem;
        /** Overlap check for a resume: xxh64 of stream bytes [resumeFrom, committedBytes). */
        public Long resumeFrom;
        public String resumeHash;
        /** The stored file's length when the resume point was recorded (all of it forced to disk). */
        public Long resumeExtent;
        /** xxh64 of the file's last 4 KiB below {@code resumeExtent}, read back from the file. */
        public String resumeExtentHash;
        public String incompleteMark;
        public String started;
        public String finished;
        /**
         * When the complete file was forced to disk. The sender is answered before that (the
         * page cache has it); a manifest saying complete without this was written before a
         * crash could have lost the data, so recovery treats the file as incomplete.
         */
        public String synced;
        public long transferMillis;
    }
}
