package io.vmcored.protocol.dump;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One ELF note: {@code namesz, descsz, type} (4 bytes each), name and desc each padded
 * to 4 bytes. Used for the vmcore's PT_NOTE segment and the note copy in a kdump file.
 */
public record ElfNote(String name, int type, byte[] desc) {

    public static final int NT_PRSTATUS = 1;
    public static final String VMCOREINFO = "VMCOREINFO";

    /**
     * Parses a note section. Stops (reporting in {@code problems}) at the first note whose
     * sizes run past the section, instead of failing: earlier notes are still good.
     */
    public static List<ElfNote> parseAll(ByteBuffer section, ByteOrder order, List<String> problems) {
        ByteBuffer b = section.duplicate().order(order);
        List<ElfNote> notes = new ArrayList<>();
        int p = b.position();
        while (b.limit() - p >= 12) {
            long namesz = Integer.toUnsignedLong(b.getInt(p));
            long descsz = Integer.toUnsignedLong(b.getInt(p + 4));
            int type = b.getInt(p + 8);
            if (namesz == 0 && descsz == 0 && type == 0) {
                break; // zero padding after the last note
            }
            long nameEnd = p + 12 + align4(namesz);
            long descEnd = nameEnd + align4(descsz);
            if (nameEnd > b.limit() || nameEnd + descsz > b.limit()) {
                problems.add("note " + notes.size() + " at section byte " + p + " declares name " + namesz
                        + " and desc " + descsz + " bytes, past the section end " + b.limit());
                break;
            }
            int n = (int) namesz;
            while (n > 0 && b.get(p + 12 + n - 1) == 0) {
                n--;
            }
            byte[] name = new byte[n];
            b.get(p + 12, name);
            byte[] desc = new byte[(int) descsz];
            b.get((int) nameEnd, desc);
            notes.add(new ElfNote(new String(name, StandardCharsets.ISO_8859_1), type, desc));
            p = (int) Math.min(descEnd, b.limit());
        }
        return notes;
    }

    private static long align4(long n) {
        return (n + 3) & ~3L;
    }
}
