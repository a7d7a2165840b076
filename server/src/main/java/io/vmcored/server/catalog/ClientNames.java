package io.vmcored.server.catalog;

import io.vmcored.protocol.rearrange.ContentKind;

/**
 * The naming conventions of kdump clients that write files by name (over SSH): RHEL and
 * Debian write {@code vmcore-incomplete} (or {@code dmesg-incomplete}) and rename it when
 * the copy is whole; a flattened stream named {@code X.flat} is stored rearranged, as {@code X};
 * a stream that came wrapped by a compressor is stored unwrapped, without the compressor's
 * suffix (Debian's {@code dump-incomplete.gz} as {@code dump-incomplete}, renamed by the client
 * to {@code dump.<stamp>.gz}, stored as {@code dump.<stamp>}).
 */
public final class ClientNames {

    public static final String FLAT_SUFFIX = ".flat";
    public static final String INCOMPLETE_SUFFIX = "-incomplete";

    private ClientNames() {
    }

    /** A file whose name says the client will rename it once it is whole. */
    public static boolean awaitsRename(String name) {
        return name.endsWith(INCOMPLETE_SUFFIX);
    }

    /** The client renamed a file away from its in-progress name: it now counts. */
    public static boolean completesByRename(String from, String to) {
        return awaitsRename(from) && !awaitsRename(to);
    }

    /** {@code X.flat} without its suffix, or null if {@code name} has none. */
    public static String withoutFlatSuffix(String name) {
        return name.endsWith(FLAT_SUFFIX) && name.length() > FLAT_SUFFIX.length()
                ? name.substring(0, name.length() - FLAT_SUFFIX.length()) : null;
    }

    /** The name a file of content {@code kind}, written as {@code name}, is stored under. */
    public static String storedName(String name, ContentKind kind) {
        String stripped = withoutFlatSuffix(name);
        return kind == ContentKind.FLATTENED && stripped != null ? stripped : name;
    }

    /** The suffix the compressor's own tool gives its files (what kdump-tools appends): .gz, .bz2, .xz, .lz4. */
    public static String wrapperSuffix(ContentKind wrapper) {
        return switch (wrapper) {
            case GZIP -> ".gz";
            case BZIP2 -> ".bz2";
            case XZ -> ".xz";
            case LZ4 -> ".lz4";
            default -> throw new IllegalArgumentException(wrapper + " is not a compressor's wrapper");
        };
    }

    /**
     * {@code name} without the suffix of {@code wrapper}, for content stored unwrapped; null if
     * there was no wrapper or the name does not carry its suffix.
     */
    public static String withoutWrapperSuffix(String name, ContentKind wrapper) {
        if (wrapper == null || !wrapper.isWrapped()) {
            return null;
        }
        String suffix = wrapperSuffix(wrapper);
        return name.endsWith(suffix) && name.length() > suffix.length()
                ? name.substring(0, name.length() - suffix.length()) : null;
    }

    /** Whether content of this kind is a dump (its file decides the dump's state), not a text file. */
    public static boolean isDump(ContentKind kind) {
        return kind != null && kind != ContentKind.PLAIN;
    }
}
