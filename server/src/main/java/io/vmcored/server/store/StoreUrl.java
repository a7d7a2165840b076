package io.vmcored.server.store;

import io.vmcored.server.catalog.DumpRecord;

/**
 * {@code s3://BUCKET/PREFIX} and where a dump's files lie under it:
 * {@code PREFIX/HOST/DIRECTORY/FILE}, the spool's own layout, so a bucket listing reads like
 * the spool and one prefix holds all of a dump (deleting it is one listing).
 */
public record StoreUrl(String bucket, String prefix) {

    /** Parses a validated {@code store.url}; the prefix is "" or ends with '/'. */
    public static StoreUrl parse(String url) {
        if (!url.startsWith("s3://")) {
            throw new IllegalArgumentException("store.url \"" + url + "\": expected s3://BUCKET/PREFIX");
        }
        String rest = url.substring(5);
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1).replaceAll("^/+|/+$", "");
        return new StoreUrl(bucket, prefix.isEmpty() ? "" : prefix + "/");
    }

    /** The key prefix of one dump, ending with '/'. */
    public String dumpPrefix(DumpRecord r) {
        return prefix + r.host() + "/" + r.directory().getFileName() + "/";
    }

    public String key(DumpRecord r, String file) {
        return dumpPrefix(r) + file;
    }

    /** {@code s3://BUCKET/KEY}. */
    public String url(String key) {
        return "s3://" + bucket + "/" + key;
    }

    @Override
    public String toString() {
        return url(prefix);
    }
}
