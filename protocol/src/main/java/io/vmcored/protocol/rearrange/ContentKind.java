package io.vmcored.protocol.rearrange;

import java.nio.ByteBuffer;

/** What the first bytes of an upload say it is (content is sniffed, never the name). */
public enum ContentKind {
    FLATTENED, ELF, KDUMP, GZIP, BZIP2, XZ, LZ4, PLAIN;

    /** Bytes needed to tell every kind apart. */
    public static final int SNIFF_BYTES = 12;

    /** Classifies the head of a stream (position..limit, not consumed); needs {@link #SNIFF_BYTES} unless at EOF. */
    public static ContentKind sniff(ByteBuffer head) {
        int p = head.position();
        int n = head.remaining();
        if (n >= 12 && matches(head, p, "makedumpfile")) {
            return FLATTENED;
        }
        if (n >= 4 && head.get(p) == 0x7f && matches(head, p + 1, "ELF")) {
            return ELF;
        }
        if (n >= 8 && (matches(head, p, "KDUMP   ") || matches(head, p, "DISKDUMP"))) {
            return KDUMP;
        }
        if (n >= 2 && (head.get(p) & 0xff) == 0x1f && (head.get(p + 1) & 0xff) == 0x8b) {
            return GZIP;
        }
        if (n >= 3 && matches(head, p, "BZh")) {
            return BZIP2;
        }
        if (n >= 6 && (head.get(p) & 0xff) == 0xfd && matches(head, p + 1, "7zXZ")) {
            return XZ;
        }
        if (n >= 4 && (head.get(p) & 0xff) == 0x04 && (head.get(p + 1) & 0xff) == 0x22
                && (head.get(p + 2) & 0xff) == 0x4d && (head.get(p + 3) & 0xff) == 0x18) {
            return LZ4;
        }
        return PLAIN;
    }

    public boolean isWrapped() {
        return this == GZIP || this == BZIP2 || this == XZ || this == LZ4;
    }

    private static boolean matches(ByteBuffer b, int at, String s) {
        for (int i = 0; i < s.length(); i++) {
            if (b.get(at + i) != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
