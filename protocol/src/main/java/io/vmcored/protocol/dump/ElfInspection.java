package io.vmcored.protocol.dump;

import io.vmcored.protocol.memory.ElfMemory;
import io.vmcored.protocol.memory.KernelMemory;
import io.vmcored.protocol.memory.Utsname;
import io.vmcored.protocol.memory.X86_64Memory;
import io.vmcored.protocol.vmcoreinfo.VmcoreInfo;
import java.io.IOException;
import java.util.List;

/** Builds the {@link DumpInfo} of an ELF vmcore. */
final class ElfInspection {

    private ElfInspection() {
    }

    static DumpInfo inspect(DumpSource src, boolean flattened, long fileSize, boolean cut, List<String> problems)
            throws IOException {
        ElfCore elf = ElfCore.read(src);
        problems.addAll(elf.problems());
        VmcoreInfo info = DumpInspector.vmcoreinfo(elf.vmcoreinfo(), problems);
        int pageSize = ElfMemory.pageSize(info);
        if (info.pageSize().isPresent() && info.pageSize().getAsLong() != pageSize) {
            problems.add("VMCOREINFO PAGESIZE=" + info.pageSize().getAsLong()
                    + " is no page size (a power of two from 1 KiB to 1 MiB expected): " + pageSize + " used");
        }
        long bytes = 0;
        long end = 0;
        for (ElfCore.ProgramHeader ph : elf.loads()) {
            bytes += ph.fileSize();
            end = Math.max(end, ph.offset() + ph.fileSize());
        }
        if (end > src.size()) {
            problems.add("the file ends at " + src.size() + " but its PT_LOAD segments end at " + end
                    + ": dump is truncated");
        }
        if (elf.incomplete()) {
            problems.add("the ELF header is marked incomplete (e_flags bit 0): pages may be missing");
        }
        long cpus = elf.prstatusCount();
        Utsname uts = utsname(src, elf, info, pageSize, problems);
        return new DumpInfo(DumpInfo.Format.ELF, flattened, fileSize, src.size(), pageSize, Compression.NONE, null,
                uts == null ? null : uts.nodename(), info.osRelease(), uts == null ? null : uts.version(),
                machineName(elf.machine()), DumpInspector.crashTime(0, info),
                elf.incomplete() || cut, bytes / pageSize, cpus > 0 ? (int) cpus : null, info.entries(),
                List.copyOf(problems));
    }

    /** ELF has no utsname header: read init_uts_ns from the dumped memory (x86_64 only). */
    private static Utsname utsname(DumpSource src, ElfCore elf, VmcoreInfo info, int pageSize, List<String> problems) {
        if (elf.machine() != ElfCore.EM_X86_64 || info.isEmpty()) {
            return null;
        }
        try {
            KernelMemory mem = new X86_64Memory(new ElfMemory(src, elf, pageSize), info,
                    info.number("phys_base").orElse(0));
            return Utsname.read(mem, info);
        } catch (IOException | RuntimeException e) {
            problems.add("cannot read the host name from memory: " + e.getMessage());
            return null;
        }
    }

    static String machineName(int eMachine) {
        return switch (eMachine) {
            case ElfCore.EM_X86_64 -> "x86_64";
            case 183 -> "aarch64";
            case 21 -> "ppc64";
            case 22 -> "s390x";
            case 243 -> "riscv64";
            case 3 -> "i386";
            default -> "e_machine " + eMachine;
        };
    }
}
