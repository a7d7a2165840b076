package io.vmcored.server.analysis;

import io.vmcored.protocol.dmesg.PanicSummary;
import io.vmcored.server.catalog.DumpRecord;
import io.vmcored.server.catalog.DumpState;
import io.vmcored.server.catalog.Manifest;
import java.io.IOException;
import java.util.Optional;

/**
 * The crash in the kernel log a sender uploaded before its dump ({@code vmcore-dmesg.txt}):
 * read at once, in milliseconds, so that admission can decide on the dump from the crash's
 * signature before the dump is sent.
 */
public final class ClientKernelLog {

    private ClientKernelLog() {
    }

    /** The crash summary of the dump's complete client kernel log; empty when there is none or it shows no crash. */
    public static Optional<PanicSummary> crash(DumpRecord record) throws IOException {
        Manifest m = record.snapshot();
        String name = DmesgFiles.clientLog(m);
        if (name == null || m.files.get(name).state != DumpState.COMPLETE) {
            return Optional.empty();
        }
        return Optional.ofNullable(DumpKernelLog.summary(DmesgFiles.readTail(record.fileFor(name))));
    }
}
