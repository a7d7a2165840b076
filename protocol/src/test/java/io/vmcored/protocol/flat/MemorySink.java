package io.vmcored.protocol.flat;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** Positional writes into a growable byte array: the reference rearrangement for tests. */
final class MemorySink implements RecordSink {

    private byte[] data = new byte[0];
    private long calls;

    @Override
    public void write(long offset, ByteBuffer payload) {
        int end = Math.toIntExact(offset + payload.remaining());
        if (end > data.length) {
            data = Arrays.copyOf(data, end);
        }
        payload.get(data, (int) offset, payload.remaining());
        calls++;
    }

    byte[] bytes() {
        return data;
    }

    long calls() {
        return calls;
    }
}
