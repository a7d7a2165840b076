package io.vmcored.server.catalog;

import io.vmcored.protocol.rearrange.IncompleteMarker;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Sets and clears the "incomplete" flag in a stored dump's header. Clearing is needed when a
 * cut upload (marked incomplete) is resumed: the header at offset 0 is not sent again.
 */
final class HeaderFlags {

    private HeaderFlags() {
    }

    static String mark(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            IncompleteMarker.Result r = IncompleteMarker.mark(ch, ch.size());
            ch.force(false);
            return r.name();
        } catch (IOException e) {
            return null;
        }
    }

    /** Undoes what {@code mark} (a {@link IncompleteMarker.Result} name) did. */
    static void clear(Path file, String mark) throws IOException {
        long at;
        int flag;
        if (IncompleteMarker.Result.MARKED_KDUMP.name().equals(mark)) {
            at = IncompleteMarker.KDUMP_STATUS_OFFSET;
            flag = IncompleteMarker.KDUMP_INCOMPLETE;
        } else if (IncompleteMarker.Result.MARKED_ELF.name().equals(mark)) {
            at = -1;
            flag = IncompleteMarker.ELF_INCOMPLETE;
        } else {
            return;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer head = ByteBuffer.allocate(64);
            ch.read(head, 0);
            ByteOrder order;
            if (at < 0) {
                at = head.get(4) == 2 ? 48 : 36;
                order = head.get(5) == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            } else {
                int le = head.duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt(8);
                order = le > 0 && le < 0x10000 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
            }
            ByteBuffer word = ByteBuffer.allocate(4).order(order);
            ch.read(word, at);
            word.putInt(0, word.getInt(0) & ~flag).clear();
            while (word.hasRemaining()) {
                ch.write(word, at + word.position());
            }
        }
    }
}
