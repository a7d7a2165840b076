package io.vmcored.server.catalog;

/**
 * A dump another collector sharing the catalog holds: its row ({@code summary}, naming the
 * collector) and, once its files are in the object store, its manifest as that collector last
 * saved it (else null). Any collector answers a stored one and serves its files from the bucket.
 */
public record StoredElsewhere(DumpSummary summary, Manifest manifest) {
}
