package io.vmcored.protocol.flat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Constants of makedumpfile's flattened format (see docs/formats.md). */
public final class FlattenedFormat {

    public static final int START_HEADER_SIZE = 4096;
    public static final int RECORD_HEADER_SIZE = 16;
    public static final byte[] SIGNATURE = "makedumpfile".getBytes(StandardCharsets.US_ASCII);
    public static final int SIGNATURE_FIELD_SIZE = 16;
    public static final long TYPE_FLATTENED = 1;
    public static final long END_MARKER = -1;

    private FlattenedFormat() {
    }

    /** True when {@code head} (at least 12 bytes from position) starts with the flattened signature. */
    public static boolean hasSignature(ByteBuffer head) {
        if (head.remaining() < SIGNATURE.length) {
            return false;
        }
        for (int i = 0; i < SIGNATURE.length; i++) {
            if (head.get(head.position() + i) != SIGNATURE[i]) {
                return false;
            }
        }
        return true;
    }
}
