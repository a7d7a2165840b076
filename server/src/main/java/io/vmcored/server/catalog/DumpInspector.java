package io.vmcored.server.catalog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the facts an operator filters on from a stored dump's header: format, and for
 * kdump-compressed dumps the kernel release, machine, node name and crash time
 * (disk_dump_header: utsname at 12, 6 x 65 bytes; timestamp at 408).
 */
final class DumpInspector {

    private static final int HEADER = 464;

    private DumpInspector() {
    }

    /** The rearranger's inspection (protocol DumpInspector), falling back to the bare header facts. */
    static Map<String, String> inspect(Path file) {
        try {
            io.vmcored.protocol.dump.DumpInfo info = io.vmcored.protocol.dump.DumpInspector.inspect(file);
            Map<String, String> facts = new LinkedHashMap<>();
            facts.put("format", info.formatLabel());
            put(facts, "nodename", info.hostName());
            put(facts, "kernel", info.kernelRelease());
            put(facts, "kernelVersion", info.kernelVersion());
            put(facts, "machine", info.machine());
            put(facts, "crashTime", info.crashTime());
            put(facts, "dumpLevel", info.dumpLevel());
            put(facts, "compression", info.compression());
            put(facts, "dumpSize", info.dumpSize());
            put(facts, "pageSize", info.pageSize());
            put(facts, "incompleteFlag", info.incomplete());
            if (!info.problems().isEmpty()) {
                facts.put("problems", String.join("; ", info.problems()));
            }
            return facts;
        } catch (IOException | RuntimeException e) {
            Map<String, String> facts = headerFacts(file);
            facts.put("inspectProblem", String.valueOf(e.getMessage()));
            return facts;
        }
    }

    private static void put(Map<String, String> facts, String key, Object value) {
        if (value != null) {
            facts.put(key, value.toString());
        }
    }

    static Map<String, String> headerFacts(Path file) {
        Map<String, String> facts = new LinkedHashMap<>();
        ByteBuffer head = ByteBuffer.allocate(HEADER);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (head.hasRemaining() && ch.read(head) > 0) {
                // read the header
            }
        } catch (IOException e) {
            facts.put("format", "unreadable");
            return facts;
        }
        head.flip();
        String sig = head.remaining() >= 8 ? new String(head.array(), 0, 8, StandardCharsets.US_ASCII) : "";
        if (sig.equals("KDUMP   ") || sig.equals("DISKDUMP")) {
            facts.put("format", "kdump-compressed");
            if (head.remaining() >= HEADER) {
                ByteOrder order = head.duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt(8) < 0x10000
                        ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
                facts.put("nodename", cString(head, 12 + 65));
                facts.put("kernel", cString(head, 12 + 2 * 65));
                facts.put("machine", cString(head, 12 + 4 * 65));
                long sec = head.duplicate().order(order).getLong(408);
                if (sec > 0) {
                    facts.put("crashTime", Instant.ofEpochSecond(sec).toString());
                }
            }
        } else if (head.remaining() >= 4 && head.get(0) == 0x7f && head.get(1) == 'E') {
            facts.put("format", "elf");
        } else if (sig.startsWith("makedump")) {
            facts.put("format", "flattened");
        } else {
            facts.put("format", "other");
        }
        return facts;
    }

    private static String cString(ByteBuffer b, int at) {
        int end = at;
        while (end < at + 65 && b.get(end) != 0) {
            end++;
        }
        return new String(b.array(), at, end - at, StandardCharsets.US_ASCII);
    }
}
