package io.vmcored.protocol.memory;

import io.vmcored.protocol.dump.DumpFormatException;
import java.io.IOException;

/** The crashed machine's physical memory as a dump stores it, one page at a time. */
public interface PhysicalMemory {

    int pageSize();

    /**
     * Copies page {@code pfn} into {@code dst} (at least {@link #pageSize()} bytes).
     * Returns false when the dump does not hold the page (excluded, lost or beyond RAM).
     * Damaged page data (bad compression) raises a {@link DumpFormatException}.
     */
    boolean readPage(long pfn, byte[] dst) throws IOException;
}
