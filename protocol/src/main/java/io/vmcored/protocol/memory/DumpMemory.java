package io.vmcored.protocol.memory;

import io.vmcored.protocol.dump.DumpFormatException;
import io.vmcored.protocol.dump.DumpSource;
import io.vmcored.protocol.dump.ElfCore;
import io.vmcored.protocol.dump.KdumpFile;
import io.vmcored.protocol.dump.KdumpHeader;
import io.vmcored.protocol.vmcoreinfo.VmcoreInfo;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Opens the crashed kernel's memory from any dump source: picks the page reader by
 * format and the address translation by machine (x86_64 only for now).
 *
 * @param memory     virtual memory of the kernel
 * @param vmcoreinfo the dump's VMCOREINFO
 */
public record DumpMemory(KernelMemory memory, VmcoreInfo vmcoreinfo) {

    public static DumpMemory open(DumpSource src) throws IOException {
        ByteBuffer head = src.readExactly(0, (int) Math.min(8, src.size()), "file signature");
        if (KdumpHeader.hasSignature(head)) {
            KdumpFile kdump = KdumpFile.open(src);
            VmcoreInfo info = vmcoreinfo(src, kdump.vmcoreinfo());
            requireX86(src, kdump.header().machine());
            return new DumpMemory(new X86_64Memory(new KdumpMemory(kdump), info, kdump.subHeader().physBase()), info);
        }
        if (ElfCore.hasSignature(head)) {
            ElfCore elf = ElfCore.read(src);
            VmcoreInfo info = vmcoreinfo(src, elf.vmcoreinfo());
            if (elf.machine() != ElfCore.EM_X86_64) {
                requireX86(src, "e_machine " + elf.machine());
            }
            int pageSize = ElfMemory.pageSize(info);
            long physBase = info.number("phys_base").orElse(0);
            return new DumpMemory(new X86_64Memory(new ElfMemory(src, elf, pageSize), info, physBase), info);
        }
        throw new DumpFormatException(src.name() + ": unknown dump format (neither kdump-compressed nor ELF)");
    }

    private static VmcoreInfo vmcoreinfo(DumpSource src, byte[] text) throws DumpFormatException {
        if (text == null) {
            throw new DumpFormatException(src.name() + ": no VMCOREINFO in the dump: kernel structures cannot be located");
        }
        return VmcoreInfo.parse(text);
    }

    private static void requireX86(DumpSource src, String machine) throws DumpFormatException {
        if (!machine.equals("x86_64")) {
            throw new DumpFormatException(src.name() + ": reading kernel memory of machine " + machine
                    + " is not supported (x86_64 only)");
        }
    }
}
