package io.vmcored.deploy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shipped /etc/vmcored/vmcored.properties: the server's own template ({@code vmcored
 * check-config --template}: every key commented out at its default) with the two settings the
 * package decides set, the spool and state directories under /var/lib/vmcored. They are in the
 * file rather than on the unit's command line, so that {@code vmcored check-config --config} on
 * it prints what the service runs with. Fails the build if the template no longer has them.
 *
 * <p>Arguments: the template, the file to write.
 */
public final class PackagedConfig {

    private static final String NOTE = "# Set by the package; vmcored.service may write only here (ReadWritePaths=):"
            + " moving it needs a drop-in too (systemctl edit vmcored).\n";

    private PackagedConfig() {
    }

    public static void main(String[] args) throws Exception {
        String template = Files.readString(Path.of(args[0]), StandardCharsets.UTF_8);
        String shipped = set(set(template, "spool.dir", "/var/lib/vmcored/spool"), "state.dir", "/var/lib/vmcored/state");
        Files.writeString(Path.of(args[1]), shipped, StandardCharsets.UTF_8);
    }

    static String set(String template, String key, String value) {
        String commented = "\n#" + key + " = ";
        int at = template.indexOf(commented);
        if (at < 0 || template.indexOf(commented, at + 1) >= 0) {
            throw new IllegalStateException("the template has no single line \"#" + key + " = ...\"");
        }
        int end = template.indexOf('\n', at + 1);
        return template.substring(0, at + 1) + NOTE + key + " = " + value + template.substring(end);
    }
}
