package io.vmcored.protocol.flat;

import java.nio.ByteBuffer;

/** The checks every flattened header gets, shared by the streaming decoder and the file walker. */
final class RecordHeaders {

    private RecordHeaders() {
    }

    /** Checks the 4096-byte start header (from its position 0). */
    static void checkStart(ByteBuffer header) throws FlattenedFormatException {
        if (!FlattenedFormat.hasSignature(header)) {
            throw new FlattenedFormatException("not a flattened dump: signature is not \"makedumpfile\"", 0);
        }
        long type = header.getLong(header.position() + FlattenedFormat.SIGNATURE_FIELD_SIZE);
        if (type != FlattenedFormat.TYPE_FLATTENED) {
            throw new FlattenedFormatException("unsupported flattened type " + type + ", expected 1", 16);
        }
    }

    static boolean isEnd(long offset, long size) {
        return offset == FlattenedFormat.END_MARKER && size == FlattenedFormat.END_MARKER;
    }

    /**
     * Checks one record header before anything is written.
     *
     * @param record 1-based number of the record, for the message
     * @param at     stream position of the header, for the message
     */
    static void checkRecord(long offset, long size, DecoderLimits limits, long record, long at)
            throws FlattenedFormatException {
        if (offset < 0) {
            throw new FlattenedFormatException("record " + record + " has negative offset " + offset, at);
        }
        if (size <= 0) {
            throw new FlattenedFormatException("record " + record + " at offset " + offset
                    + " has invalid size " + size + ", expected > 0", at);
        }
        if (offset > limits.maxDumpSize() || size > limits.maxDumpSize() - offset) {
            throw new FlattenedFormatException("record " + record + " (offset " + offset + ", size " + size
                    + ") ends beyond the maximum dump size " + limits.maxDumpSize(), at);
        }
    }
}
