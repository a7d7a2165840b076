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
            compression = kdump.sampleCompression();
            checkLastPage(kdump, stored, problems);
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

    /** A dump cut short loses the data of its last pages first: check the last descriptor's data is there. */
    private static void checkLastPage(KdumpFile kdump, long stored, List<String> problems) throws IOException {
        if (stored <= 0) {
            return;
        }
        long pfn = kdump.maxMapnr() - 1;
        while (pfn >= 0 && !kdump.isDumped(pfn)) {
            pfn--;
        }
        PageDescriptor last;
        try {
            last = kdump.descriptor(pfn);
        } catch (DumpFormatException e) {
            problems.add("the page descriptor table is cut short: " + e.getMessage());
            return;
        }
        long end = last.offset() + last.size();
        if (end > kdump.source().size()) {
            problems.add("the file ends at " + kdump.source().size() + " but the last page's data ends at " + end
                    + ": dump is truncated");
        }
    }
}
