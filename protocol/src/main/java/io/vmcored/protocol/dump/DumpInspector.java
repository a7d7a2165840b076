package io.vmcored.protocol.dump;

import io.vmcored.protocol.vmcoreinfo.VmcoreInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads what a dump says about itself ({@link DumpInfo}): kdump-compressed, ELF, or
 * a flattened stream of either, read in place. Headers that cannot be parsed raise a
 * {@link DumpFormatException}; damage past the headers (truncation, missing
 * VMCOREINFO) is reported in {@link DumpInfo#problems()}.
 */
public final class DumpInspector {

    private DumpInspector() {
    }

    public static DumpInfo inspect(Path path) throws IOException {
        try (DumpSource src = DumpFiles.open(path)) {
            return inspect(src);
        }
    }

    /** Inspects an open source (not closed here); a flattened stream in it is indexed first. */
    public static DumpInfo inspect(DumpSource source) throws IOException {
        DumpSource src = source instanceof FlattenedDumpSource ? source : DumpFiles.unwrap(source);
        List<String> problems = new ArrayList<>();
        boolean flattened = src instanceof FlattenedDumpSource;
        long fileSize = source.size();
        boolean cut = false;
        if (src instanceof FlattenedDumpSource f) {
            problems.addAll(f.problems());
            cut = !f.ended();
            fileSize = f.streamSize();
        }
        if (src.size() == 0) {
            throw new DumpFormatException(src.name() + ": empty dump (no bytes" + (flattened ? " in any record)" : ")"));
        }
        ByteBuffer head = src.readExactly(0, (int) Math.min(8, src.size()), "file signature");
        try {
            if (KdumpHeader.hasSignature(head)) {
                return KdumpInspection.inspect(KdumpFile.open(src), flattened, fileSize, cut, problems);
            }
            if (ElfCore.hasSignature(head)) {
                return ElfInspection.inspect(src, flattened, fileSize, cut, problems);
            }
        } catch (RuntimeException e) {
            // a bug or an unchecked limit must still read as "damaged file", never a stack trace
            throw new DumpFormatException(src.name() + ": damaged dump (" + e + ")", e);
        }
        throw new DumpFormatException(src.name() + ": unknown file format: first bytes " + hex(head)
                + " are neither \"KDUMP   \", \"\\x7fELF\" nor \"makedumpfile\"");
    }

    static VmcoreInfo vmcoreinfo(byte[] text, List<String> problems) {
        if (text == null) {
            problems.add("no VMCOREINFO in the dump");
            return VmcoreInfo.empty();
        }
        return VmcoreInfo.parse(text);
    }

    static Instant crashTime(long headerSeconds, VmcoreInfo info) {
        // a damaged header time beyond what an Instant holds falls back to VMCOREINFO
        if (headerSeconds > 0 && headerSeconds <= Instant.MAX.getEpochSecond()) {
            return Instant.ofEpochSecond(headerSeconds);
        }
        return info.crashTime();
    }

    private static String hex(ByteBuffer b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < b.limit(); i++) {
            s.append(String.format("%02x", b.get(i) & 0xff));
        }
        return s.toString();
    }
}
