package io.vmcored.protocol.rearrange;

/**
 * Reserves disk blocks for a range of the output file before it is written, without
 * changing the file's size (on Linux: {@code fallocate(FALLOC_FL_KEEP_SIZE)}).
 *
 * <p>Why: ext4 does delayed allocation block by block inside every buffered write
 * (reserve, quota, extent-status entry per 4 KiB); into reserved blocks the same
 * write skips all of it and costs about half as much (docs/performance.md, "write
 * size and preallocation"). Best effort: where a range is not reserved, its writes
 * simply allocate as usual.
 */
public interface SpaceReserver {

    /** Reserves {@code [from, to)}; false when it did not (no room, or no way to here). */
    boolean reserve(long from, long to);

    /** Reserves nothing. */
    SpaceReserver NONE = (from, to) -> false;
}
