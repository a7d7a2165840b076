package io.vmcored.server.catalog;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Life of a dump directory, as written in its manifest. */
public enum DumpState {
    /** Bytes are arriving (or were, when the server died: see {@link DumpCatalog} recovery). */
    RECEIVING,
    /** The stream ended properly and the dump file is whole. */
    COMPLETE,
    /** Cut short (lost connection, full disk, restart, bad record): what arrived is kept and marked. */
    INCOMPLETE,
    /** Refused before anything useful was stored (auth, watermark, mismatched resume). */
    REJECTED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static DumpState parse(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }

    public boolean finished() {
        return this != RECEIVING;
    }
}
