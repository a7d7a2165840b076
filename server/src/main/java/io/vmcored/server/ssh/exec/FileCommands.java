package io.vmcored.server.ssh.exec;

import io.vmcored.server.ssh.exec.Builtins.UsageException;
import io.vmcored.server.ssh.fs.SpoolPath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** umask, mkdir, mv, rmdir, mktemp, test, echo: the path commands kdump clients use. */
final class FileCommands {

    /** A small text file (status, README) may not exceed this when written by echo. */
    static final int MAX_ECHO = 64 * 1024;

    private FileCommands() {
    }

    static StepResult umask(List<String> args) throws UsageException {
        if (args.size() != 1 || !args.get(0).matches("[0-7]{1,4}")) {
            throw new UsageException("usage: umask OCTAL (got " + args + "); files are stored 0600 regardless");
        }
        return StepResult.done(0);
    }

    static StepResult mkdir(List<String> args, ExecContext ctx) throws IOException, UsageException {
        boolean parents = false;
        List<String> dirs = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("-p") || a.equals("--parents")) {
                parents = true;
            } else if (a.equals("-m")) {
                i++; // mode: ignored, the spool's permissions apply
            } else if (a.startsWith("-") && !a.equals("-")) {
                throw new UsageException("unsupported option '" + a + "' (supported: -p, -m MODE)");
            } else {
                dirs.add(a);
            }
        }
        if (dirs.isEmpty()) {
            throw new UsageException("missing operand");
        }
        for (String d : dirs) {
            SpoolPath p = ctx.area.map(d);
            if (!parents && ctx.area.isDirectory(p)) {
                ctx.error("mkdir", "cannot create directory '" + d + "': File exists");
                return StepResult.done(1);
            }
            ctx.area.mkdirs(p);
        }
        return StepResult.done(0);
    }

    static StepResult mv(List<String> args, ExecContext ctx) throws IOException, UsageException {
        List<String> ops = operands(args, "-f");
        if (ops.size() != 2) {
            throw new UsageException("usage: mv [-f] SOURCE TARGET");
        }
        ctx.area.rename(ctx.area.map(ops.get(0)), ctx.area.map(ops.get(1)));
        return StepResult.done(0);
    }

    static StepResult rmdir(List<String> args, ExecContext ctx) throws IOException, UsageException {
        List<String> ops = operands(args);
        if (ops.isEmpty()) {
            throw new UsageException("missing operand");
        }
        for (String d : ops) {
            ctx.area.rmdir(ctx.area.map(d));
        }
        return StepResult.done(0);
    }

    /** mktemp -d [-q] -p DIR (also spelled -dqp DIR): prints the new directory. */
    static StepResult mktemp(List<String> args, ExecContext ctx) throws IOException, UsageException {
        boolean dir = false;
        String parent = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.startsWith("-") && !a.startsWith("--")) {
                for (int k = 1; k < a.length(); k++) {
                    char f = a.charAt(k);
                    if (f == 'd') {
                        dir = true;
                    } else if (f == 'q') {
                        continue;
                    } else if (f == 'p' && k == a.length() - 1 && i + 1 < args.size()) {
                        parent = args.get(++i);
                    } else {
                        throw new UsageException("unsupported option '-" + f + "' (supported: -d -q -p DIR)");
                    }
                }
            } else {
                throw new UsageException("templates are not supported (use -d -p DIR)");
            }
        }
        if (!dir || parent == null) {
            throw new UsageException("usage: mktemp -d [-q] -p DIR");
        }
        ctx.print(ctx.area.mktemp(ctx.area.map(parent)) + "\n");
        return StepResult.done(0);
    }

    static StepResult test(List<String> args, ExecContext ctx) throws UsageException {
        if (args.size() != 2 || !List.of("-d", "-f", "-e").contains(args.get(0))) {
            throw new UsageException("usage: test -d|-f|-e PATH");
        }
        SpoolPath p;
        try {
            p = ctx.area.map(args.get(1));
        } catch (IllegalArgumentException e) {
            return StepResult.done(1);
        }
        boolean dir = ctx.area.isDirectory(p);
        boolean file = ctx.area.existingFile(p) != null;
        boolean yes = switch (args.get(0)) {
            case "-d" -> dir;
            case "-f" -> file;
            default -> dir || file;
        };
        return StepResult.done(yes ? 0 : 1);
    }

    static StepResult echo(SimpleCommand c, ExecContext ctx) throws IOException, UsageException {
        List<String> words = c.args();
        boolean newline = true;
        if (!words.isEmpty() && words.get(0).equals("-n")) {
            newline = false;
            words = words.subList(1, words.size());
        }
        String text = String.join(" ", words) + (newline ? "\n" : "");
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (c.redirect() == null) {
            ctx.print(text);
            return StepResult.done(0);
        }
        if (c.append()) {
            throw new UsageException("'>>' is not supported; use '>'");
        }
        if (bytes.length > MAX_ECHO) {
            throw new UsageException("text of " + bytes.length + " bytes, limit " + MAX_ECHO);
        }
        ctx.area.writeText(ctx.area.map(c.redirect()), bytes);
        return StepResult.done(0);
    }

    /** Operands after dropping the allowed flags (and a leading "--"). */
    static List<String> operands(List<String> args, String... allowedFlags) throws UsageException {
        List<String> ops = new ArrayList<>();
        boolean endOfOptions = false;
        for (String a : args) {
            if (!endOfOptions && a.equals("--")) {
                endOfOptions = true;
            } else if (!endOfOptions && a.startsWith("-") && a.length() > 1) {
                if (!List.of(allowedFlags).contains(a)) {
                    throw new UsageException("unsupported option '" + a + "'");
                }
            } else {
                ops.add(a);
            }
        }
        return ops;
    }
}
