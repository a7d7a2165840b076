package io.vmcored.protocol.rearrange;

/**
 * When to ask a {@link SpaceReserver} for more: before a write that goes past what is
 * reserved, reserve from there to as far again as the file is long (at least 1 MiB, at
 * most 64 MiB ahead), so a small upload reserves little and a large one calls
 * {@code fallocate} once per 64 MiB.
 *
 * <p>A write that jumps past the reserved end starts reserving at its own offset: the
 * gap stays a hole, as {@code makedumpfile -R} would leave it. A refused range is not asked
 * for again: at most one refused call per step.
 */
final class ReserveAhead {

    static final long MIN_AHEAD = 1 << 20;
    static final long MAX_AHEAD = 64 << 20;

    private final SpaceReserver reserver;
    private long reserved;

    ReserveAhead(SpaceReserver reserver, long alreadyWritten) {
        this.reserver = reserver;
        this.reserved = alreadyWritten;
    }

    void beforeWrite(long offset, long end) {
        if (end <= reserved || reserver == SpaceReserver.NONE) {
            return;
        }
        long from = Math.max(reserved, offset);
        long to = end + Math.min(MAX_AHEAD, Math.max(MIN_AHEAD, end));
        reserver.reserve(from, to); // refused (no room above the watermark, no fallocate): written unreserved
        reserved = to;
    }
}
