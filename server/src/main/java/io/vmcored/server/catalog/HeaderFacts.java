package io.vmcored.server.catalog;

import io.vmcored.protocol.dump.DumpInfo;
import io.vmcored.protocol.dump.DumpInspector;
import io.vmcored.protocol.rearrange.ContentKind;
import io.vmcored.server.storage.MessagePaths;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The facts an operator filters on, as the manifest's {@code inspect} map, read from a stored
 * dump by the protocol's {@link DumpInspector}. A file it cannot read still gets a format,
 * from the content sniffer, and the reader's problem.
 */
final class HeaderFacts {

    private HeaderFacts() {
    }

    static Map<String, String> of(Path file) {
        Map<String, String> facts = new LinkedHashMap<>();
        try {
            DumpInfo info = DumpInspector.inspect(file);
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
                facts.put("problems", MessagePaths.withoutDirectory(String.join("; ", info.problems()), file));
            }
        } catch (IOException | RuntimeException e) {
            facts.put("format", sniffedFormat(file));
            facts.put("inspectProblem", MessagePaths.of(e, file));
        }
        return facts;
    }

    private static void put(Map<String, String> facts, String key, Object value) {
        if (value != null) {
            facts.put(key, value.toString());
        }
    }

    private static String sniffedFormat(Path file) {
        ByteBuffer head = ByteBuffer.allocate(ContentKind.SNIFF_BYTES);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (head.hasRemaining() && ch.read(head) > 0) {
                // fill the head
            }
        } catch (IOException e) {
            return "unreadable";
        }
        return switch (ContentKind.sniff(head.flip())) {
            case KDUMP -> DumpInfo.Format.KDUMP_COMPRESSED.label();
            case ELF -> DumpInfo.Format.ELF.label();
            case PLAIN -> "other";
            default -> ContentKind.sniff(head.rewind()).name().toLowerCase(Locale.ROOT);
        };
    }
}
