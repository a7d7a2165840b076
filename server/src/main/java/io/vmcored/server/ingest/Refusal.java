package io.vmcored.server.ingest;

/**
 * Why the collector refuses an upload before taking its bytes. {@link #wire()} is the reason
 * word every transport answers with (the TCP reply's {@code reason=}, the HTTP JSON's
 * {@code error}); {@link #metric()} is the {@code reason} label of {@code vmcored_uploads_refused_total}.
 */
public enum Refusal {
    /** The token does not allow uploading this host's dumps. */
    UNAUTHORIZED("unauthorized", "unauthorized"),
    /** The spool is below its free-space watermark. */
    DISK_LOW("disk_low", "disk_low"),
    /** A resume at an offset other than the one the server gave. */
    BAD_OFFSET("bad_offset", "bad_request"),
    /** An end-of-dump for a dump the server does not know. */
    UNKNOWN_DUMP("unknown_dump", "bad_request"),
    /** A request the server cannot parse. */
    BAD_REQUEST("bad_request", "bad_request"),
    /** Another connection is still receiving this file (it is being stopped: retry). */
    BUSY("busy", "busy"),
    /** A resumed stream whose overlap does not match what was committed. */
    RESUME_MISMATCH("resume_mismatch", "resume_mismatch"),
    /** The admission policy keeps only the kernel log of this dump (a client that cannot be steered). */
    KERNEL_LOG_ONLY("kernel_log_only", "kernel_log_only"),
    /** Another collector sharing the catalog is receiving this dump: resume there (its lease says it is alive). */
    ELSEWHERE("elsewhere", "elsewhere"),
    /** The shared catalog has been unreachable past the lease time: a new dump is sent to another collector first. */
    CATALOG_DOWN("catalog_down", "catalog_down"),
    /** A bare stream whose first bytes are no dump (an HTTP request, a TLS handshake, noise). */
    NOT_A_DUMP("not_a_dump", "not_a_dump");

    private final String wire;
    private final String metric;

    Refusal(String wire, String metric) {
        this.wire = wire;
        this.metric = metric;
    }

    public String wire() {
        return wire;
    }

    public String metric() {
        return metric;
    }
}
