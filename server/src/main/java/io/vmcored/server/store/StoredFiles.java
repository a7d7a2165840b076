package io.vmcored.server.store;

import io.vmcored.server.catalog.DumpState;
import io.vmcored.server.catalog.Manifest;
import io.vmcored.server.catalog.Manifest.FileEntry;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which files of a finished dump go to the bucket, and which of those leave the spool. Every
 * complete received file and the extracted kernel log are uploaded; the kernel logs stay in
 * the spool as well (small, and what listings, the console and analysis read), as does the
 * manifest, which is the catalog's record and never uploaded.
 */
final class StoredFiles {

    private StoredFiles() {
    }

    /** Complete received files, then the extracted kernel log. */
    static Set<String> toUpload(Manifest m) {
        Set<String> names = new LinkedHashSet<>();
        for (Map.Entry<String, FileEntry> f : m.files.entrySet()) {
            if (f.getValue().state == DumpState.COMPLETE) {
                names.add(f.getKey());
            }
        }
        if (m.analysis != null && m.analysis.get("dmesgFile") instanceof String log) {
            names.add(log);
        }
        return names;
    }

    /** True once every complete file was forced to disk and checksummed (the spool's own follow-up work). */
    static boolean settled(Manifest m) {
        return m.files.values().stream().allMatch(e -> e.state != DumpState.COMPLETE || e.synced != null);
    }

    /** Whether the spool's copy of an uploaded file may be freed: not a kernel log. */
    static boolean freeable(Manifest m, String name) {
        if (m.analysis != null && (name.equals(m.analysis.get("dmesgFile")) || name.equals(m.analysis.get("clientDmesg")))) {
            return false;
        }
        return !name.toLowerCase(Locale.ROOT).contains("dmesg");
    }
}
