package io.vmcored.protocol.dump;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * An ELF64 core file (a vmcore): header, program headers and the notes of its
 * PT_NOTE segments.
 *
 * <pre>
 * Elf64_Ehdr (64): e_ident[16] ("\x7fELF", class 2, data 1=LE/2=BE) e_type=4 (CORE) @16
 *                  e_machine @18  e_phoff @32  e_flags @48  e_phentsize @54  e_phnum @56
 * Elf64_Phdr (56): p_type @0 (1 LOAD, 4 NOTE)  p_offset @8  p_vaddr @16  p_paddr @24
 *                  p_filesz @32  p_memsz @40
 * </pre>
 */
public record ElfCore(ByteOrder order, int machine, int flags, List<ProgramHeader> programHeaders,
                      List<ElfNote> notes, List<String> problems) {

    public static final int PT_LOAD = 1;
    public static final int PT_NOTE = 4;
    public static final int ET_CORE = 4;
    public static final int EM_X86_64 = 62;
    /** Bit makedumpfile (and vmcored) sets in e_flags of a dump cut short. */
    public static final int FLAG_INCOMPLETE = 0x1;
    /** Largest note segment accepted (a 8192-CPU machine has ~3 MiB of notes). */
    public static final long MAX_NOTE_SIZE = 64L << 20;
    private static final int MAX_PHNUM = 1 << 20;

    /** One program header. */
    public record ProgramHeader(int type, long offset, long vaddr, long paddr, long fileSize, long memSize) {
    }

    public static boolean hasSignature(ByteBuffer head) {
        return head.limit() >= 4 && head.get(0) == 0x7f && head.get(1) == 'E' && head.get(2) == 'L' && head.get(3) == 'F';
    }

    public static ElfCore read(DumpSource src) throws IOException {
        ByteBuffer e = src.readExactly(0, 64, "ELF header");
        if (!hasSignature(e)) {
            throw new DumpFormatException(src.name() + ": not an ELF file");
        }
        if (e.get(4) != 2) {
            throw new DumpFormatException(src.name() + ": ELF class " + e.get(4) + " is not supported, expected 2 (ELF64)");
        }
        ByteOrder order = switch (e.get(5)) {
            case 1 -> ByteOrder.LITTLE_ENDIAN;
            case 2 -> ByteOrder.BIG_ENDIAN;
            default -> throw new DumpFormatException(src.name() + ": ELF data encoding " + e.get(5) + ", expected 1 or 2");
        };
        e.order(order);
        int type = Short.toUnsignedInt(e.getShort(16));
        if (type != ET_CORE) {
            throw new DumpFormatException(src.name() + ": ELF e_type is " + type + ", expected 4 (ET_CORE): not a vmcore");
        }
        long phoff = e.getLong(32);
        int phentsize = Short.toUnsignedInt(e.getShort(54));
        long phnum = Short.toUnsignedInt(e.getShort(56));
        if (phnum == 0xffff) {
            phnum = extendedPhnum(src, e, order);
        }
        if (phentsize < 56 || phentsize > 1024 || phnum > MAX_PHNUM || phoff < 0 || phnum * phentsize > 64L << 20) {
            throw new DumpFormatException(src.name() + ": ELF program header table (offset " + phoff + ", entry size "
                    + phentsize + ", count " + phnum + ") is invalid: expected entry size 56..1024, count <= " + MAX_PHNUM);
        }
        ByteBuffer ph = src.readExactly(phoff, (int) (phnum * phentsize), "ELF program headers").order(order);
        List<ProgramHeader> headers = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            int p = i * phentsize;
            headers.add(new ProgramHeader(ph.getInt(p), ph.getLong(p + 8), ph.getLong(p + 16), ph.getLong(p + 24),
                    ph.getLong(p + 32), ph.getLong(p + 40)));
        }
        List<String> problems = new ArrayList<>();
        List<ElfNote> notes = new ArrayList<>();
        for (ProgramHeader h : headers) {
            if (h.type() != PT_NOTE) {
                continue;
            }
            if (h.fileSize() < 0 || h.fileSize() > MAX_NOTE_SIZE) {
                problems.add("PT_NOTE size " + h.fileSize() + " exceeds the limit " + MAX_NOTE_SIZE + "; notes skipped");
                continue;
            }
            long avail = Math.max(0, Math.min(h.fileSize(), src.size() - h.offset()));
            if (avail < h.fileSize()) {
                problems.add("PT_NOTE at offset " + h.offset() + " is cut short: " + avail + " of " + h.fileSize() + " bytes");
            }
            ByteBuffer section = src.readExactly(h.offset(), (int) avail, "ELF note segment");
            notes.addAll(ElfNote.parseAll(section, order, problems));
        }
        return new ElfCore(order, Short.toUnsignedInt(e.getShort(18)), e.getInt(48), List.copyOf(headers),
                List.copyOf(notes), List.copyOf(problems));
    }

    /** With more than 0xfffe program headers the real count is sh_info of section header 0. */
    private static long extendedPhnum(DumpSource src, ByteBuffer e, ByteOrder order) throws IOException {
        long shoff = e.getLong(40);
        if (shoff <= 0) {
            throw new DumpFormatException(src.name() + ": ELF e_phnum is PN_XNUM but there is no section header 0");
        }
        return Integer.toUnsignedLong(src.readExactly(shoff, 64, "ELF section header 0").order(order).getInt(44));
    }

    public boolean incomplete() {
        return (flags & FLAG_INCOMPLETE) != 0;
    }

    public List<ProgramHeader> loads() {
        return programHeaders.stream().filter(h -> h.type() == PT_LOAD).toList();
    }

    public long prstatusCount() {
        return notes.stream().filter(n -> n.type() == ElfNote.NT_PRSTATUS && n.name().equals("CORE")).count();
    }

    /** The VMCOREINFO note's text, or null. */
    public byte[] vmcoreinfo() {
        return notes.stream().filter(n -> n.name().equals(ElfNote.VMCOREINFO)).map(ElfNote::desc).findFirst().orElse(null);
    }
}
