package io.vmcored.server.config;

import java.net.URI;
import java.time.Duration;

/**
 * Where finished dumps are kept besides the spool ({@code store.*}; docs/server.md, "Object
 * store", and docs/scale-out.md). Empty {@link #url}: dumps stay in the spool only. Lives in
 * this package because it shares the unit parsers and the problem collector of {@link ServerConfig}.
 */
public final class StoreSettings {

    /** {@code s3://BUCKET/PREFIX}, or "" for no object store. */
    public String url = "";
    /** An S3-compatible endpoint (MinIO, Ceph, s3proxy): path-style addressing; "" = AWS's own. */
    public String endpoint = "";
    /** The signing region; AWS's environment and profile name it when this is empty. */
    public String region = "";
    /** Downloads of a dump whose local copy was freed: 302 to a presigned URL instead of relaying the bytes. */
    public boolean presign = false;
    public Duration presignTtl = Duration.ofMinutes(15);
    /** Bytes of uploaded dumps kept in the spool as well, newest first; 0 = free each one once uploaded. */
    public long cacheSize = 0;
    /** Multipart part size (S3 takes 5 MiB..5 GiB, at most 10,000 parts). */
    public long partSize = 16L << 20;
    /** Parts of one dump uploaded at once; each holds one part in memory. */
    public int partsInFlight = 4;
    /** Dumps uploaded at once. */
    public int uploads = 2;
    /** First wait after a failed upload; doubles up to {@link #retryMax}. */
    public Duration retryFirst = Duration.ofSeconds(5);
    public Duration retryMax = Duration.ofMinutes(5);
    /** Unreachable this long, the store is "down": new dumps may be refused (see {@link #refuseBelow}). */
    public Duration downAfter = Duration.ofMinutes(5);
    /** While the store is down, new dumps are refused while the spool's free space is below this (0 = never). */
    public long refuseBelow = 20L << 30;
    /**
     * An agent's last file is answered once its dump is in the bucket, waiting at most this long
     * (0 = answer at once): a collector that dies after answering must not leave the only copy
     * of an acknowledged dump on its own disk.
     */
    public Duration ackWait = Duration.ofSeconds(60);

    public boolean enabled() {
        return !url.isEmpty();
    }

    /** Adds the {@code store.*} keys to the settings table. */
    static void register() {
        Settings.restart("store.url", "Object store for finished dumps, s3://BUCKET/PREFIX (empty = the spool only);"
                + " credentials from AWS's environment variables and profiles.",
                (c, k, v) -> c.store.url = v, c -> c.store.url);
        Settings.restart("store.s3-endpoint", "S3-compatible endpoint URL (MinIO, Ceph, s3proxy): path-style addressing"
                + " (empty = AWS).", (c, k, v) -> c.store.endpoint = v, c -> c.store.endpoint);
        Settings.restart("store.region", "Signing region (empty = AWS_REGION or the profile's; us-east-1 with an endpoint).",
                (c, k, v) -> c.store.region = v, c -> c.store.region);
        Settings.reload("store.presign", "Downloads of dumps no longer in the spool redirect (302) to a presigned URL.",
                (c, k, v) -> c.store.presign = Sizes.bool(k, v), c -> Boolean.toString(c.store.presign));
        Settings.reload("store.presign-ttl", "How long a presigned download URL stays valid (1m..7d).",
                (c, k, v) -> c.store.presignTtl = Sizes.duration(k, v), c -> Sizes.duration(c.store.presignTtl));
        Settings.reload("store.cache-size", "Bytes of uploaded dumps also kept in the spool, newest first (0 = free each"
                + " once uploaded).", (c, k, v) -> c.store.cacheSize = Sizes.bytes(k, v), c -> Sizes.bytes(c.store.cacheSize));
        Settings.restart("store.part-size", "Multipart upload part size (5M..5G).",
                (c, k, v) -> c.store.partSize = Sizes.bytes(k, v), c -> Sizes.bytes(c.store.partSize));
        Settings.restart("store.parts-in-flight", "Parts of one dump uploaded at once, each held in memory (1..64).",
                (c, k, v) -> c.store.partsInFlight = Sizes.integer(k, v), c -> Integer.toString(c.store.partsInFlight));
        Settings.restart("store.uploads", "Dumps uploaded at once (1..16).",
                (c, k, v) -> c.store.uploads = Sizes.integer(k, v), c -> Integer.toString(c.store.uploads));
        Settings.restart("store.retry-first", "Wait after a failed upload; doubles with each failure.",
                (c, k, v) -> c.store.retryFirst = Sizes.duration(k, v), c -> Sizes.duration(c.store.retryFirst));
        Settings.restart("store.retry-max", "The longest wait between two upload attempts.",
                (c, k, v) -> c.store.retryMax = Sizes.duration(k, v), c -> Sizes.duration(c.store.retryMax));
        Settings.reload("store.down-after", "Unreachable this long, the store counts as down (see store.refuse-below).",
                (c, k, v) -> c.store.downAfter = Sizes.duration(k, v), c -> Sizes.duration(c.store.downAfter));
        Settings.reload("store.refuse-below", "While the store is down, new dumps are refused when the spool has less"
                + " free space than this (0 = never); finished dumps stay in the spool until it is back.",
                (c, k, v) -> c.store.refuseBelow = Sizes.bytes(k, v), c -> Sizes.bytes(c.store.refuseBelow));
        Settings.reload("store.ack-wait", "An agent's last file is answered once its dump is in the bucket, waiting at"
                + " most this long (0 = at once, the dump complete in the spool).",
                (c, k, v) -> c.store.ackWait = Sizes.duration(k, v), c -> Sizes.duration(c.store.ackWait));
    }

    void validate(Problems p) {
        if (!url.isEmpty() && !url.matches("s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?")) {
            p.add("store.url = \"" + url + "\": expected s3://BUCKET or s3://BUCKET/PREFIX (bucket: 3-63 of a-z 0-9 . -)");
        }
        if (!endpoint.isEmpty()) {
            try {
                URI u = URI.create(endpoint);
                if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
                    throw new IllegalArgumentException("scheme");
                }
            } catch (IllegalArgumentException e) {
                p.add("store.s3-endpoint = \"" + endpoint + "\": expected an http:// or https:// URL with a host");
            }
        }
        if (presignTtl.toMinutes() < 1 || presignTtl.toDays() > 7) {
            p.add("store.presign-ttl = " + presignTtl + ": expected 1m..7d (S3's limit)");
        }
        p.atLeast("store.cache-size", cacheSize, 0);
        p.between("store.part-size", partSize, 5L << 20, 5L << 30);
        p.between("store.parts-in-flight", partsInFlight, 1, 64);
        p.between("store.uploads", uploads, 1, 16);
        if (retryFirst.toMillis() < 100 || retryMax.compareTo(retryFirst) < 0) {
            p.add("store.retry-first = " + retryFirst + ", store.retry-max = " + retryMax
                    + ": expected at least 100ms, and retry-max >= retry-first");
        }
        if (downAfter.isNegative()) {
            p.add("store.down-after = " + downAfter + ": expected >= 0");
        }
        p.atLeast("store.refuse-below", refuseBelow, 0);
        if (ackWait.isNegative() || ackWait.toMinutes() > 30) {
            p.add("store.ack-wait = " + ackWait + ": expected 0..30m");
        }
    }
}
