package io.vmcored.server.catalog;

/**
 * A dump another collector sharing the catalog holds, whose files are in the object store:
 * its row ({@code summary}, naming the collector) and its manifest as that collector last
 * saved it. Any collector answers it and serves its files from the bucket.
 */
public record StoredElsewhere(DumpSummary summary, Manifest manifest) {
}
