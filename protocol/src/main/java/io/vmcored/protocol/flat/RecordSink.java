package io.vmcored.protocol.flat;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Receives the payload of flattened records, piece by piece, as it arrives.
 *
 * <p>A record's payload may come in several calls (the decoder never buffers a
 * whole record); each call carries the file offset its first byte belongs at.
 * The implementation must consume the buffer completely before returning and
 * must not keep a reference to it.
 */
public interface RecordSink {

    void write(long offset, ByteBuffer payload) throws IOException;
}
