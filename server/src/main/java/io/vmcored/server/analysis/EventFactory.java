package io.vmcored.server.analysis;

import io.vmcored.server.catalog.DumpRecord;
import io.vmcored.server.catalog.Manifest;
import io.vmcored.server.events.DumpEvent;
import java.time.Instant;

/** Builds hook events from a dump's manifest and, when there is one, its crash report. */
final class EventFactory {

    private EventFactory() {
    }

    static DumpEvent of(String event, DumpRecord record, Manifest m, CrashReport r, Integer groupCount) {
        String dumpFile = m.dumpFile == null ? null : record.fileFor(m.dumpFile).toString();
        String dmesg = r == null || r.dmesgFile() == null ? null : record.fileFor(r.dmesgFile()).toString();
        boolean crash = r != null && r.crash();
        return new DumpEvent(event, m.id, m.host, m.state.wire(), m.transport, record.directory().toString(),
                dumpFile, m.problem, Instant.now().toString(),
                crash ? r.signature() : null, crash ? r.panicLine() : null, crash ? r.trigger() : null,
                crash ? r.faultingFunction() : null, crash ? r.topFrames() : null,
                r == null ? null : r.kernelRelease(), crash ? r.uptime() : null, dmesg, crash ? groupCount : null);
    }
}
