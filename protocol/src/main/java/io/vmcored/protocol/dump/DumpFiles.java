package io.vmcored.protocol.dump;

import io.vmcored.protocol.flat.DecoderLimits;
import io.vmcored.protocol.flat.FlattenedFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/** Opens a dump file of any supported kind as a {@link DumpSource}, flattened streams included. */
public final class DumpFiles {

    private DumpFiles() {
    }

    /**
     * Opens {@code path}: a flattened stream is indexed and read in place; a kdump or ELF
     * file is read as is. The format itself is checked by the readers, not here.
     */
    public static DumpSource open(Path path) throws IOException {
        return unwrap(FileDumpSource.open(path));
    }

    /** Returns a flattened view of {@code raw} when it holds a flattened stream, else {@code raw}. */
    public static DumpSource unwrap(DumpSource raw) throws IOException {
        if (isFlattened(raw)) {
            return FlattenedDumpSource.index(raw, DecoderLimits.DEFAULT);
        }
        return raw;
    }

    static boolean isFlattened(DumpSource src) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(FlattenedFormat.SIGNATURE.length);
        while (head.hasRemaining() && src.read(head.position(), head) > 0) {
            // fill the signature bytes
        }
        return head.flip().remaining() == FlattenedFormat.SIGNATURE.length && FlattenedFormat.hasSignature(head);
    }
}
