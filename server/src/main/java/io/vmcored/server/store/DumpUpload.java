package io.vmcored.server.store;

import io.vmcored.server.catalog.DumpRecord;
import io.vmcored.server.catalog.Manifest;
import io.vmcored.server.catalog.StoredCopy;
import io.vmcored.server.catalog.StoredCopy.StoredFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Uploads the files of one finished dump ({@link StoredFiles#toUpload}) and records them in its
 * manifest's {@code store} object, once all of them are in the bucket and verified. A dump that
 * was uploaded and then received more (a resumed or added file) uploads what is new. Blocking:
 * runs on the store's own threads.
 */
final class DumpUpload {

    /** What became of one attempt. */
    enum Result { UPLOADED, ALREADY, NOT_READY }

    private final PartedUpload files;
    private final StoreUrl url;

    DumpUpload(PartedUpload files, StoreUrl url) {
        this.files = files;
        this.url = url;
    }

    /**
     * @param force upload even if the spool has not yet forced and checksummed every file
     *              (its follow-up work failed or was lost): the xxh64 check is then skipped
     */
    Result run(DumpRecord r, boolean force) throws IOException, StoreException {
        Manifest m = r.snapshot();
        if (!force && !StoredFiles.settled(m)) {
            return Result.NOT_READY;
        }
        StoredCopy copy = m.store != null ? m.store : new StoredCopy();
        copy.bucket = url.bucket();
        copy.url = url.url(url.dumpPrefix(r));
        int uploaded = 0;
        for (String name : StoredFiles.toUpload(m)) {
            Path file = r.fileFor(name);
            StoredFile had = copy.files.get(name);
            if (!Files.exists(file) || had != null && had.size == Files.size(file)) {
                continue; // freed or already there; or a kernel log the analysis named but could not write
            }
            Manifest.FileEntry e = m.files.get(name);
            String expected = e == null ? null : e.checksum;
            copy.files.put(name, files.upload(file, url.bucket(), url.key(r, name), expected));
            uploaded++;
        }
        if (uploaded == 0 && m.store != null) {
            return Result.ALREADY;
        }
        copy.at = Instant.now().toString();
        copy.freed = null; // a dump that received again holds new files in the spool
        r.update(mf -> mf.store = copy); // DumpDeletedException when retention or the operator was faster
        return Result.UPLOADED;
    }

    static long bytes(StoredCopy c) {
        return c.files.values().stream().mapToLong(f -> f.size).sum();
    }
}
