package io.vmcored.server.storage;

/**
 * Where a cut upload can continue: the sender resends stream bytes from {@code from}; the
 * server checks that bytes {@code [from, committed)} hash to {@code hash} (xxh64, seed 0)
 * before it writes anything, so a regenerated stream that does not line up is refused.
 */
public record ResumePoint(long committed, long from, long hash) {

    public String hashHex() {
        return String.format("%016x", hash);
    }

    public static long parseHash(String hex) {
        return Long.parseUnsignedLong(hex, 16);
    }
}
