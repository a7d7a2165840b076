package io.vmcored.protocol.memory;

import io.vmcored.protocol.vmcoreinfo.VmcoreInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The crashed kernel's {@code init_uts_ns.name} (struct new_utsname: six char[65]:
 * sysname, nodename, release, version, machine, domainname), read from memory. ELF
 * vmcores carry no utsname header, so this is where their host name comes from.
 */
public record Utsname(String sysname, String nodename, String release, String version, String machine) {

    private static final int LEN = 65;

    /** Reads it, or returns null when VMCOREINFO lacks the symbol or the page is not in the dump. */
    public static Utsname read(KernelMemory mem, VmcoreInfo info) throws IOException {
        var sym = info.symbol("init_uts_ns");
        if (sym.isEmpty()) {
            return null;
        }
        long at = sym.getAsLong() + info.offset("uts_namespace.name").orElse(4);
        byte[] b;
        try {
            b = mem.read(at, LEN * 5);
        } catch (MissingMemoryException e) {
            return null;
        }
        return new Utsname(field(b, 0), field(b, 1), field(b, 2), field(b, 3), field(b, 4));
    }

    private static String field(byte[] b, int i) {
        int n = 0;
        while (n < LEN && b[i * LEN + n] != 0) {
            n++;
        }
        return new String(b, i * LEN, n, StandardCharsets.ISO_8859_1);
    }
}
