package io.vmcored.protocol.vmcoreinfo;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The kernel's VMCOREINFO note: {@code KEY=VALUE} lines describing the crashed
 * kernel (release, page size, symbol addresses, structure sizes and offsets).
 *
 * <pre>
 * OSRELEASE=6.1.0-28-amd64        string
 * PAGESIZE=4096                   decimal
 * SYMBOL(prb)=ffffffff8a6b2d40    hex, no 0x
 * SIZE(printk_info)=88            decimal
 * OFFSET(prb_desc.state_var)=0    decimal
 * LENGTH(free_area)=11            decimal
 * NUMBER(phys_base)=-1073741824   decimal, may be negative
 * KERNELOFFSET=9000000            hex
 * CRASHTIME=1700000000            decimal seconds
 * </pre>
 * Unknown keys are kept; malformed lines (no '=') are skipped, never fatal.
 */
public final class VmcoreInfo {

    /** Largest VMCOREINFO text accepted (the kernel's own buffer is one page). */
    public static final int MAX_SIZE = 1 << 20;

    private final Map<String, String> entries;

    private VmcoreInfo(Map<String, String> entries) {
        this.entries = Collections.unmodifiableMap(entries);
    }

    /** Parses the note text; trailing NULs (note padding) are ignored. */
    public static VmcoreInfo parse(byte[] text) {
        int end = text.length;
        while (end > 0 && text[end - 1] == 0) {
            end--;
        }
        return parse(new String(text, 0, end, StandardCharsets.ISO_8859_1));
    }

    public static VmcoreInfo parse(String text) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            map.put(line.substring(0, eq), line.substring(eq + 1).strip());
        }
        return new VmcoreInfo(map);
    }

    public static VmcoreInfo empty() {
        return new VmcoreInfo(new LinkedHashMap<>());
    }

    /** All entries in note order. */
    public Map<String, String> entries() {
        return entries;
    }

    public String get(String key) {
        return entries.get(key);
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public String osRelease() {
        return get("OSRELEASE");
    }

    public String buildId() {
        return get("BUILD-ID");
    }

    public OptionalLong pageSize() {
        return decimal("PAGESIZE");
    }

    public Instant crashTime() {
        OptionalLong t = decimal("CRASHTIME");
        // a value no Instant holds is damage, read as absent rather than thrown
        return t.isPresent() && t.getAsLong() >= Instant.MIN.getEpochSecond()
                && t.getAsLong() <= Instant.MAX.getEpochSecond()
                ? Instant.ofEpochSecond(t.getAsLong()) : null;
    }

    /** KASLR offset of the kernel text (hex), 0 when the kernel was not relocated. */
    public OptionalLong kernelOffset() {
        return hex("KERNELOFFSET");
    }

    public OptionalLong symbol(String name) {
        return hex("SYMBOL(" + name + ")");
    }

    public OptionalLong size(String type) {
        return decimal("SIZE(" + type + ")");
    }

    /** {@code OFFSET(type.member)}. */
    public OptionalLong offset(String typeDotMember) {
        return decimal("OFFSET(" + typeDotMember + ")");
    }

    public OptionalLong length(String name) {
        return decimal("LENGTH(" + name + ")");
    }

    public OptionalLong number(String name) {
        return decimal("NUMBER(" + name + ")");
    }

    /** A decimal value, or empty when missing or not a number. */
    public OptionalLong decimal(String key) {
        String v = get(key);
        if (v == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(v));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** A hex value (with or without 0x), or empty when missing or not hex. */
    public OptionalLong hex(String key) {
        String v = get(key);
        if (v == null) {
            return OptionalLong.empty();
        }
        if (v.startsWith("0x") || v.startsWith("0X")) {
            v = v.substring(2);
        }
        try {
            return OptionalLong.of(Long.parseUnsignedLong(v, 16));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
