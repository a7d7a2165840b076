package io.vmcored.server.cli;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The manual page vmcored(8) in troff ({@code man} macros), written from the command-line
 * model itself, so that every command, option and parameter the jar accepts is in it with
 * the text its {@code --help} prints. The packages ship it; the build runs
 * {@code java -cp vmcored.jar io.vmcored.server.cli.ManPage FILE}.
 */
public final class ManPage {

    /** What the packages install and where: the page's FILES section. */
    private static final List<String[]> FILES = List.of(
            new String[] {"/etc/vmcored/vmcored.properties", "The server's settings (Java properties), every one"
                    + " listed at its default; \\fBvmcored check\\-config\\fR reads it."},
            new String[] {"/etc/default/vmcored", "JVM options of the service (JAVA_OPTS: heap size)."},
            new String[] {"/var/lib/vmcored/spool", "The dumps, one directory per dump (mode 0700)."},
            new String[] {"/var/lib/vmcored/state", "SSH host and client keys, the instance lock (mode 0700)."},
            new String[] {"/lib/systemd/system/vmcored.service", "The sandboxed service unit: \\fBsystemctl enable"
                    + " \\-\\-now vmcored\\fR."});

    private ManPage() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: ManPage FILE");
            System.exit(2);
        }
        try (Writer w = Files.newBufferedWriter(Path.of(args[0]), StandardCharsets.UTF_8)) {
            w.write(render(Main.Full.commandLine()));
        }
    }

    /** The whole page for the command line {@code cl} and its subcommands. */
    static String render(CommandLine cl) {
        CommandSpec top = cl.getCommandSpec();
        String version = top.version().length > 0 ? top.version()[0] : top.name();
        StringBuilder s = new StringBuilder();
        s.append(".TH ").append(top.name().toUpperCase()).append(" 8 \"\" \"").append(text(version))
                .append("\" \"System Administration\"\n");
        s.append(".SH NAME\n").append(top.name()).append(" \\- ").append(text(lowerFirst(stripDot(
                String.join(" ", top.usageMessage().description()))))).append('\n');
        s.append(".SH SYNOPSIS\n.B ").append(top.name()).append("\n.I COMMAND\n[\\fIOPTIONS\\fR] [\\fIARGUMENTS\\fR]\n");
        s.append(".SH DESCRIPTION\n").append(text(String.join(" ", top.usageMessage().description()))).append('\n');
        s.append(".PP\nEvery command answers \\fB\\-\\-help\\fR with the text below and \\fB\\-\\-version\\fR.\n");
        s.append(".SH COMMANDS\n");
        commands(cl, s);
        s.append(".SH FILES\n");
        for (String[] f : FILES) {
            s.append(".TP\n.I ").append(f[0]).append('\n').append(f[1]).append('\n');
        }
        s.append(".SH SEE ALSO\n.BR makedumpfile (8),\n.BR kdump\\-config (8),\n.BR kdumpctl (8),\n"
                + ".BR systemd.exec (5)\n");
        return s.toString();
    }

    private static void commands(CommandLine cl, StringBuilder s) {
        for (var e : cl.getSubcommands().entrySet()) {
            CommandLine sub = e.getValue();
            CommandSpec spec = sub.getCommandSpec();
            if (!spec.name().equals(e.getKey()) || spec.usageMessage().hidden()) {
                continue; // an alias names the same command again
            }
            String path = spec.qualifiedName(" ");
            s.append(".SS \"").append(text(path)).append("\"\n");
            Help help = new Help(spec, Help.defaultColorScheme(Help.Ansi.OFF));
            String synopsis = help.synopsis(0).strip().replaceAll("\\s+", " ");
            if (synopsis.startsWith(path)) {
                synopsis = synopsis.substring(path.length()).strip();
            }
            s.append(".B ").append(text(path)).append('\n');
            if (!synopsis.isEmpty()) {
                s.append(text(synopsis)).append('\n');
            }
            s.append(".PP\n").append(text(String.join(" ", spec.usageMessage().description()))).append('\n');
            for (PositionalParamSpec p : spec.positionalParameters()) {
                if (!p.hidden()) {
                    s.append(".TP\n.I ").append(text(p.paramLabel())).append('\n')
                            .append(text(String.join(" ", p.description()))).append('\n');
                }
            }
            for (OptionSpec o : spec.options()) {
                if (o.hidden()) {
                    continue;
                }
                s.append(".TP\n\\fB").append(text(String.join(", ", o.names()))).append("\\fR");
                if (o.arity().max() > 0) {
                    s.append(" \\fI").append(text(o.paramLabel())).append("\\fR");
                }
                s.append('\n').append(text(String.join(" ", o.description()))).append('\n');
            }
            commands(sub, s);
        }
    }

    /** Text safe in a troff line: backslashes and minus signs escaped, no line starting a request, ASCII only. */
    static String text(String raw) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '\\') {
                s.append("\\e");
            } else if (c == '-') {
                s.append("\\-");
            } else if (c == '\n' || c == '\r' || c == '\t') {
                s.append(' ');
            } else if (c > 126) {
                s.append(String.format("\\[u%04X]", (int) c));
            } else {
                s.append(c);
            }
        }
        String out = s.toString().strip();
        return out.startsWith(".") || out.startsWith("'") ? "\\&" + out : out;
    }

    private static String stripDot(String s) {
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    private static String lowerFirst(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
