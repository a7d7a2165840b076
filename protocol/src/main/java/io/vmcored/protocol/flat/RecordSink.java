package io.vmcored.protocol.flat;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Receives the payload of flattened records, piece by piece, as it arrives.
 *
 * <p>A record's payload may come in several calls (the decoder never buffers a
 * whole record); each call carries the file offset its first byte belongs at.
 * The payload is a view of the buffer the decoder was fed. A sink consumes it before
 * returning, or keeps it only while that buffer stays unchanged: one that keeps it
 * ({@code CoalescingWriter}) tells its feeder when the buffer may be reused.
 */
public interface RecordSink {

    void write(long offset, ByteBuffer payload) throws IOException;
}
