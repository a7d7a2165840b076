package io.vmcored.protocol.dump;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a dump file says about itself, read from its headers and VMCOREINFO.
 * Fields a format does not record are null (e.g. dump level of an ELF vmcore).
 *
 * @param format          container format
 * @param flattened       true when the file is a flattened stream of {@code format}
 * @param fileSize        bytes of the file as given (the stream, when flattened)
 * @param dumpSize        bytes of the dump the file encodes
 * @param pageSize        page size of the dumped machine
 * @param compression     page compression seen on sampled page descriptors
 * @param dumpLevel       makedumpfile -d level (kdump only)
 * @param hostName        utsname nodename
 * @param crashTime       header timestamp, else VMCOREINFO CRASHTIME
 * @param incomplete      marked incomplete in the header, or a flattened stream without end marker
 * @param storedPages     pages present in the dump
 * @param cpus            nr_cpus (kdump) or NT_PRSTATUS notes (ELF)
 * @param vmcoreinfo      all VMCOREINFO entries in note order
 * @param problems        damage found while reading, one sentence each
 */
public record DumpInfo(Format format, boolean flattened, long fileSize, long dumpSize, int pageSize,
                       Compression compression, Integer dumpLevel, String hostName, String kernelRelease,
                       String kernelVersion, String machine, Instant crashTime, boolean incomplete,
                       long storedPages, Integer cpus, Map<String, String> vmcoreinfo, List<String> problems) {

    /** Container format of the dump. */
    public enum Format {
        KDUMP_COMPRESSED("kdump-compressed"), ELF("ELF");

        private final String label;

        Format(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** "kdump-compressed", "ELF", "flattened kdump-compressed", "flattened ELF". */
    public String formatLabel() {
        return (flattened ? "flattened " : "") + format.label();
    }
}
