package io.vmcored.protocol.memory;

import io.vmcored.protocol.dump.DumpFormatException;

/** The dump does not hold the memory asked for (page excluded, lost, or unmapped address). */
public final class MissingMemoryException extends DumpFormatException {

    private final long address;

    public MissingMemoryException(String message, long address) {
        super(message);
        this.address = address;
    }

    /** The virtual or physical address that could not be read. */
    public long address() {
        return address;
    }
}
