package io.vmcored.server.catalog;

/**
 * Told when a dump starts receiving, ends, and is deleted (crash analysis, events). Called on
 * the thread that changed the dump, while it holds the record's lock: an implementation must
 * only hand the work to its own executor, never block. Methods do nothing unless overridden.
 */
public interface DumpListener {

    /** The dump went to {@code receiving}: its first upload, or the first after it ended (a resume). */
    default void started(DumpRecord record) {
    }

    /** The dump ended as complete, incomplete or rejected. */
    default void finished(DumpRecord record, DumpState state) {
    }

    /** The dump was deleted (retention, the operator). */
    default void deleted(DumpRecord record) {
    }

    DumpListener NONE = new DumpListener() {
    };

    /** Tells {@code first}, then {@code second}. */
    static DumpListener both(DumpListener first, DumpListener second) {
        return new DumpListener() {
            @Override
            public void started(DumpRecord record) {
                first.started(record);
                second.started(record);
            }

            @Override
            public void finished(DumpRecord record, DumpState state) {
                first.finished(record, state);
                second.finished(record, state);
            }

            @Override
            public void deleted(DumpRecord record) {
                first.deleted(record);
                second.deleted(record);
            }
        };
    }
}
