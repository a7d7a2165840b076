package io.vmcored.server.catalog;

/**
 * Told when a dump starts receiving and when it ends (crash analysis, event hooks).
 * Called on the thread that changed the dump, while it holds the record's lock: an
 * implementation must only hand the work to its own executor, never block.
 */
public interface DumpListener {

    /** The dump went to {@code receiving}: its first upload, or the first after it ended (a resume). */
    void started(DumpRecord record);

    /** The dump ended as complete, incomplete or rejected. */
    void finished(DumpRecord record, DumpState state);

    DumpListener NONE = new DumpListener() {
        @Override
        public void started(DumpRecord record) {
        }

        @Override
        public void finished(DumpRecord record, DumpState state) {
        }
    };
}
