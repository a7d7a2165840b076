package io.vmcored.server.catalog;

import io.vmcored.server.catalog.Manifest.FileEntry;
import io.vmcored.server.storage.Checksums;
import io.vmcored.server.storage.ResumePoint;
import io.vmcored.server.storage.StoredExtent;
import io.vmcored.server.storage.UploadWriter;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a dump's manifest may claim is on disk. A complete file is forced to disk and
 * checksummed after the sender was answered (that takes as long as the upload did), and the
 * manifest becomes durable only once no complete file waits any more. A resume point is
 * recorded only after the file's data below it was forced to disk, together with what the
 * file then held ({@link StoredExtent}), so a resume after a power loss never continues a
 * file with a hole. Both run on the catalog's background (sync) executor, never on the
 * upload's own thread. State is guarded by the record's lock.
 */
final class Durability {

    private static final Logger LOG = LoggerFactory.getLogger(Durability.class);

    private final DumpRecord record;
    /** Complete files whose fsync has not finished yet. */
    private int unsynced;
    /** Files with a checkpoint on its way to the disk: one at a time per file. */
    private final Set<String> checkpointing = new HashSet<>();

    Durability(DumpRecord record) {
        this.record = record;
    }

    /** True while a complete file still waits for its fsync. Caller holds the record's lock. */
    boolean pending() {
        return unsynced > 0;
    }

    /** A file arrived whole: force it and checksum it in the background. Caller holds the record's lock. */
    void completed(FileEntry e) {
        unsynced++;
        record.catalog().background(() -> persist(e));
    }

    /** Called by the upload every few seconds: records its resume point once the data below it is on disk. */
    void checkpointLater(String name, UploadWriter w) throws IOException {
        ResumePoint p = w.resumePoint();
        if (p == null || w.kind() == null) {
            return;
        }
        long size = w.fileSize();
        String kind = w.kind().name();
        long streamBytes = w.streamBytes();
        synchronized (record) {
            if (!checkpointing.add(name)) {
                return; // the previous one is still being forced to disk
            }
        }
        record.catalog().background(() -> {
            try {
                StoredExtent x = StoredExtent.record(record.fileFor(name), size);
                record.checkpoint(name, p, x, kind, streamBytes);
            } catch (IOException | RuntimeException e) {
                LOG.warn("dump host={} id={} file={}: checkpoint failed: {}", record.host(), record.id(), name,
                        e.getMessage());
            } finally {
                synchronized (record) {
                    checkpointing.remove(name);
                }
            }
        });
    }

    /**
     * Forces a complete file to disk, then stores its checksum. The entry is looked up by
     * identity each time: a client may rename the file meanwhile (RHEL's
     * {@code mv vmcore-incomplete vmcore.flat}).
     */
    private void persist(FileEntry e) {
        String synced = null;
        String sum = null;
        for (int attempt = 0; attempt < 3 && synced == null; attempt++) {
            String name = record.nameOf(e);
            if (name == null) {
                break; // the entry is gone (deleted by retention)
            }
            try (FileChannel ch = FileChannel.open(record.fileFor(name), StandardOpenOption.READ)) {
                ch.force(false);
                synced = Instant.now().toString();
                sum = Checksums.xxh64(record.fileFor(name));
            } catch (NoSuchFileException renamedMeanwhile) {
                // look the entry up again under its new name
            } catch (IOException ex) {
                LOG.warn("dump host={} id={} file={}: {} failed: {}", record.host(), record.id(), name,
                        synced == null ? "forcing to disk" : "checksum", ex.getMessage());
                break;
            }
        }
        synchronized (record) {
            unsynced--;
            if (e.state == DumpState.COMPLETE) {
                e.synced = synced;
                e.checksum = sum;
            }
            try {
                record.saveAfterSync();
            } catch (IOException | RuntimeException ex) {
                LOG.warn("dump host={} id={}: saving the manifest failed: {}", record.host(), record.id(), ex.getMessage());
            }
        }
    }
}
