package io.vmcored.server.ssh.exec;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits an exec request into {@link SimpleCommand}s the way sh would for the shapes kdump
 * clients send, without ever running a shell:
 *
 * <pre>
 * line    := command ( ('&amp;&amp;' | ';') command )* [';']
 * command := word+ [ ('&gt;' | '&gt;&gt;') word ]
 * word    := ( bare | 'single quoted' | "double quoted" | \c )+
 * </pre>
 * Inside double quotes only \" \\ \$ \` are escapes. Anything a shell would expand or pipe
 * ({@code $ ` | < ( ) { } * ? ~ &} alone, newlines) is rejected unless quoted.
 */
public final class CommandLineParser {

    public static final int MAX_LINE = 8192;
    public static final int MAX_WORDS = 256;

    private final String s;
    private int i;

    private CommandLineParser(String line) {
        this.s = line;
    }

    public static List<SimpleCommand> parse(String line) throws ShellSyntaxException {
        if (line.length() > MAX_LINE) {
            throw new ShellSyntaxException("command line of " + line.length() + " characters, limit " + MAX_LINE);
        }
        return new CommandLineParser(line).commands();
    }

    private List<SimpleCommand> commands() throws ShellSyntaxException {
        List<SimpleCommand> out = new ArrayList<>();
        boolean andChain = false;
        while (true) {
            List<String> words = new ArrayList<>();
            String redirect = null;
            boolean append = false;
            String op = null;
            while (true) {
                skipBlanks();
                if (i >= s.length()) {
                    break;
                }
                char c = s.charAt(i);
                if (c == ';') {
                    i++;
                    op = ";";
                    break;
                }
                if (c == '&') {
                    if (i + 1 < s.length() && s.charAt(i + 1) == '&') {
                        i += 2;
                        op = "&&";
                        break;
                    }
                    throw new ShellSyntaxException("background jobs ('&') are not supported");
                }
                if (c == '>') {
                    if (redirect != null) {
                        throw new ShellSyntaxException("only one output redirection per command is supported");
                    }
                    i++;
                    if (i < s.length() && s.charAt(i) == '>') {
                        append = true;
                        i++;
                    }
                    skipBlanks();
                    redirect = word();
                    if (redirect == null) {
                        throw new ShellSyntaxException("'>' needs a file name");
                    }
                    continue;
                }
                String w = word();
                if (words.size() >= MAX_WORDS) {
                    throw new ShellSyntaxException("more than " + MAX_WORDS + " words in one command");
                }
                words.add(w);
            }
            if (words.isEmpty()) {
                if (op != null && op.equals("&&") || redirect != null) {
                    throw new ShellSyntaxException("syntax error near '" + (op == null ? ">" : op) + "'");
                }
                if (op == null) {
                    break; // end of line (possibly after a trailing ';')
                }
                if (out.isEmpty()) {
                    throw new ShellSyntaxException("syntax error near ';'");
                }
                continue;
            }
            out.add(new SimpleCommand(List.copyOf(words), redirect, append, andChain));
            if (op == null) {
                break;
            }
            andChain = op.equals("&&");
            if (andChain) {
                skipBlanks();
                if (i >= s.length()) {
                    throw new ShellSyntaxException("'&&' at the end of the command line");
                }
            }
        }
        if (out.isEmpty()) {
            throw new ShellSyntaxException("empty command");
        }
        return out;
    }

    private void skipBlanks() {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
    }

    /** Reads one word at i (after blanks); null if none starts here. */
    private String word() throws ShellSyntaxException {
        StringBuilder b = new StringBuilder();
        boolean any = false;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t' || c == ';' || c == '&' || c == '>') {
                break;
            }
            any = true;
            if (c == '\'') {
                int end = s.indexOf('\'', i + 1);
                if (end < 0) {
                    throw new ShellSyntaxException("unterminated single quote");
                }
                b.append(s, i + 1, end);
                i = end + 1;
            } else if (c == '"') {
                i = doubleQuoted(b, i + 1);
            } else if (c == '\\') {
                if (i + 1 >= s.length()) {
                    throw new ShellSyntaxException("trailing backslash");
                }
                b.append(s.charAt(i + 1));
                i += 2;
            } else if ("$`|<(){}*?[~\n\r!".indexOf(c) >= 0 || c == '#' && b.length() == 0) {
                throw new ShellSyntaxException("unsupported shell syntax '" + c + "' (vmcored runs no shell)");
            } else {
                b.append(c);
                i++;
            }
        }
        return any ? b.toString() : null;
    }

    private int doubleQuoted(StringBuilder b, int from) throws ShellSyntaxException {
        int j = from;
        while (j < s.length()) {
            char c = s.charAt(j);
            if (c == '"') {
                return j + 1;
            }
            if (c == '\\' && j + 1 < s.length() && "\"\\$`".indexOf(s.charAt(j + 1)) >= 0) {
                b.append(s.charAt(j + 1));
                j += 2;
                continue;
            }
            if (c == '$' || c == '`') {
                throw new ShellSyntaxException("unsupported shell expansion '" + c + "' inside double quotes");
            }
            b.append(c);
            j++;
        }
        throw new ShellSyntaxException("unterminated double quote");
    }
}
