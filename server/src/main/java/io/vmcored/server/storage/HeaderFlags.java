package io.vmcored.server.storage;

import io.vmcored.protocol.rearrange.IncompleteMarker;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Sets and clears the "incomplete" flag in a stored dump's header. Clearing is needed when a
 * cut upload (marked incomplete) is resumed: the header at offset 0 is not sent again.
 */
public final class HeaderFlags {

    private HeaderFlags() {
    }

    public static String mark(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            IncompleteMarker.Result r = IncompleteMarker.mark(ch, ch.size());
            ch.force(false);
            return r.name();
        } catch (IOException e) {
            return null;
        }
    }

    /** Undoes what {@code mark} (a {@link IncompleteMarker.Result} name) did. */
    public static void clear(Path file, String mark) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            IncompleteMarker.clear(ch, IncompleteMarker.Result.valueOf(mark));
        }
    }
}
