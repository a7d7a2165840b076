package io.vmcored.protocol.rearrange;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/**
 * Marks a dump incomplete the way crash and makedumpfile understand it.
 *
 * <pre>
 * kdump-compressed: disk_dump_header.status (uint32 @424) |= DUMP_DH_COMPRESSED_INCOMPLETE (0x8)
 * ELF64 vmcore:     e_flags (uint32 @48) |= 1            ELF32: e_flags @36
 * </pre>
 * Byte order is the dumped machine's: EI_DATA for ELF, header_version for kdump.
 */
public final class IncompleteMarker {

    public static final int KDUMP_STATUS_OFFSET = 424;
    public static final int KDUMP_INCOMPLETE = 0x8;
    public static final int ELF_INCOMPLETE = 0x1;

    /** What {@link #mark} did. */
    public enum Result {
        /** kdump-compressed status flag set. */
        MARKED_KDUMP,
        /** ELF e_flags bit set. */
        MARKED_ELF,
        /** The header had not (fully) arrived: nothing to mark. */
        NO_HEADER,
        /** The head is neither kdump-compressed nor ELF. */
        UNKNOWN_FORMAT
    }

    private IncompleteMarker() {
    }

    /**
     * @param headCovered how many bytes from offset 0 are known to be written
     */
    public static Result mark(FileChannel ch, long headCovered) throws IOException {
        if (headCovered < 8) {
            return Result.NO_HEADER;
        }
        Flag flag = locate(readHead(ch, headCovered));
        if (flag.result == Result.MARKED_KDUMP || flag.result == Result.MARKED_ELF) {
            update(ch, flag, true);
        }
        return flag.result;
    }

    /**
     * Undoes {@link #mark} (given what it returned): a resumed upload completes a dump
     * whose header is not sent again. Anything else is left as it is.
     */
    public static void clear(FileChannel ch, Result marked) throws IOException {
        if (marked != Result.MARKED_KDUMP && marked != Result.MARKED_ELF) {
            return;
        }
        Flag flag = locate(readHead(ch, ch.size()));
        if (flag.result == marked) {
            update(ch, flag, false);
        }
    }

    /** Where a head's incomplete flag lives; {@code result} says which kind, or why there is none. */
    private record Flag(Result result, long at, int bit, ByteOrder order) {
    }

    private static Flag locate(ByteBuffer head) {
        if (isKdump(head)) {
            return head.limit() < KDUMP_STATUS_OFFSET + 4 ? new Flag(Result.NO_HEADER, 0, 0, null)
                    : new Flag(Result.MARKED_KDUMP, KDUMP_STATUS_OFFSET, KDUMP_INCOMPLETE, kdumpOrder(head));
        }
        if (isElf(head)) {
            int flagsAt = head.get(4) == 2 ? 48 : 36;
            ByteOrder order = head.get(5) == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            return head.limit() < flagsAt + 4 ? new Flag(Result.NO_HEADER, 0, 0, null)
                    : new Flag(Result.MARKED_ELF, flagsAt, ELF_INCOMPLETE, order);
        }
        return new Flag(head.limit() < 8 ? Result.NO_HEADER : Result.UNKNOWN_FORMAT, 0, 0, null);
    }

    private static ByteBuffer readHead(FileChannel ch, long available) throws IOException {
        ByteBuffer head = ByteBuffer.allocate((int) Math.min(available, 512));
        while (head.hasRemaining() && ch.read(head, head.position()) > 0) {
            // positional read of the head
        }
        return head.flip();
    }

    static boolean isKdump(ByteBuffer head) {
        return startsWith(head, "KDUMP   ") || startsWith(head, "DISKDUMP");
    }

    static boolean isElf(ByteBuffer head) {
        return head.limit() >= 6 && head.get(0) == 0x7f && head.get(1) == 'E' && head.get(2) == 'L' && head.get(3) == 'F';
    }

    /** header_version is a small number (1..6): whichever byte order makes it small is the machine's. */
    static ByteOrder kdumpOrder(ByteBuffer head) {
        int le = head.duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt(8);
        return le > 0 && le < 0x10000 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
    }

    private static boolean startsWith(ByteBuffer head, String sig) {
        if (head.limit() < sig.length()) {
            return false;
        }
        for (int i = 0; i < sig.length(); i++) {
            if (head.get(i) != sig.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static void update(FileChannel ch, Flag flag, boolean set) throws IOException {
        ByteBuffer word = ByteBuffer.allocate(4).order(flag.order);
        ch.read(word, flag.at);
        int value = set ? word.getInt(0) | flag.bit : word.getInt(0) & ~flag.bit;
        word.clear();
        word.putInt(0, value);
        while (word.hasRemaining()) {
            ch.write(word, flag.at + word.position());
        }
    }
}
