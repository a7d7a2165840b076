package io.vmcored.protocol.dump;

import io.vmcored.protocol.vmcoreinfo.VmcoreInfo;
import java.io.IOException;
import java.util.List;

/** Builds the {@link DumpInfo} of a kdump-compressed file. */
final class KdumpInspection {

    private KdumpInspection() {
    }

    static DumpInfo inspect(KdumpFile kdump, boolean flattened, long fileSize, boolean cut, List<String> problems)
            throws IOException {
        KdumpHeader h = kdump.header();
        DumpSource src = kdump.source();
        byte[] text = null;
        try {
            text = kdump.vmcoreinfo();
        } catch (DumpFormatException e) {
            problems.add(e.getMessage());
        }
        VmcoreInfo info = DumpInspector.vmcoreinfo(text, problems);
        long stored = -1;
        Compression compression = Compression.UNKNOWN;
        try {
            stored = kdump.storedPages();
            KdumpFile.Sample sample = kdump.sample();
            compression = sample.compression();
            if (sample.dataEnd() > src.size()) {
                problems.add("the file ends at " + src.size() + " but page data reaches " + sample.dataEnd()
                        + ": dump is truncated");
            }
        } catch (DumpFormatException e) {
            problems.add(e.getMessage());
        }
        if (h.incomplete()) {
            problems.add("the header is marked incomplete (status 0x8): pages may be missing");
        }
        return new DumpInfo(DumpInfo.Format.KDUMP_COMPRESSED, flattened, fileSize, src.size(), h.blockSize(),
                compression, kdump.subHeader().dumpLevel(), h.nodename(), h.release(), h.version(), h.machine(),
                DumpInspector.crashTime(h.timestampSec(), info), h.incomplete() || cut, stored, h.nrCpus(),
                info.entries(), List.copyOf(problems));
    }
}
