package io.vmcored.protocol.flat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Builds flattened streams for tests, and the file they must rearrange into (last write wins). */
final class StreamBuilder {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private byte[] expected = new byte[0];

    StreamBuilder() {
        this(1);
    }

    StreamBuilder(long type) {
        byte[] header = new byte[FlattenedFormat.START_HEADER_SIZE];
        byte[] sig = "makedumpfile".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(sig, 0, header, 0, sig.length);
        ByteBuffer.wrap(header).putLong(16, type).putLong(24, 1);
        out.writeBytes(header);
    }

    StreamBuilder record(long offset, byte[] payload) {
        out.writeBytes(ByteBuffer.allocate(16).putLong(offset).putLong(payload.length).array());
        out.writeBytes(payload);
        int end = (int) (offset + payload.length);
        if (end > expected.length) {
            expected = Arrays.copyOf(expected, end);
        }
        System.arraycopy(payload, 0, expected, (int) offset, payload.length);
        return this;
    }

    StreamBuilder rawHeader(long offset, long size) {
        out.writeBytes(ByteBuffer.allocate(16).putLong(offset).putLong(size).array());
        return this;
    }

    StreamBuilder end() {
        return rawHeader(-1, -1);
    }

    StreamBuilder bytes(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    byte[] stream() {
        return out.toByteArray();
    }

    byte[] expected() {
        return expected.clone();
    }

    static byte[] pattern(int size, int seed) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (seed * 31 + i * 7 + (i >> 8));
        }
        return b;
    }
}
