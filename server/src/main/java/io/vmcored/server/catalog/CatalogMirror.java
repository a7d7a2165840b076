package io.vmcored.server.catalog;

import java.nio.file.Path;

/**
 * Told of every saved manifest and every deletion, to keep a copy of the catalog elsewhere (a
 * database shared by several collectors). Called on the thread that saved, holding the
 * record's lock: an implementation must only note the change and return, never block or
 * throw. Methods do nothing unless overridden.
 */
public interface CatalogMirror {

    /** Dump {@code summary}, whose files are in {@code directory}, was saved. */
    default void saved(DumpSummary summary, Path directory) {
    }

    /** Dump {@code id} was deleted. */
    default void deleted(String id) {
    }

    CatalogMirror NONE = new CatalogMirror() {
    };
}
