package io.vmcored.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The drop-in docs/install.md gives for ssh.port below 1024, read from the page itself. */
final class DocumentedDropIn {

    private DocumentedDropIn() {
    }

    static String text() throws IOException {
        String doc = Files.readString(Path.of("../docs/install.md"));
        int start = doc.indexOf("    [Service]\n    CapabilityBoundingSet=CAP_NET_BIND_SERVICE");
        assertTrue(start >= 0, "docs/install.md shows the low-port drop-in");
        StringBuilder s = new StringBuilder();
        for (String line : doc.substring(start).split("\n")) {
            if (!line.startsWith("    ")) {
                break;
            }
            s.append(line.substring(4)).append('\n');
        }
        return s.toString();
    }
}
