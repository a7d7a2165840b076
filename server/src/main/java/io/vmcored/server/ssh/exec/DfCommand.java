package io.vmcored.server.ssh.exec;

import io.vmcored.server.ssh.exec.Builtins.UsageException;
import java.io.IOException;
import java.util.List;

/**
 * df as mkdumprd reads it: {@code df --output=avail DIR} (last line = free KiB) and the older
 * {@code df -P DIR} (POSIX table, 4th column = free KiB). The numbers are the spool's file system.
 */
final class DfCommand {

    private DfCommand() {
    }

    static StepResult run(List<String> args, ExecContext ctx) throws IOException, UsageException {
        if (args.size() != 2) {
            throw new UsageException("usage: df --output=avail DIR | df -P DIR");
        }
        ctx.area.map(args.get(1)); // validates the path
        long avail = ctx.area.freeKiB();
        if (args.get(0).equals("--output=avail")) {
            ctx.print("Avail\n" + avail + "\n");
            return StepResult.done(0);
        }
        if (args.get(0).equals("-P") || args.get(0).equals("-Pk") || args.get(0).equals("-kP")) {
            long total = ctx.area.totalKiB();
            long used = Math.max(0, total - avail);
            long pct = total == 0 ? 0 : (used * 100 + total - 1) / total;
            ctx.print("Filesystem     1024-blocks      Used Available Capacity Mounted on\n"
                    + "vmcored " + total + " " + used + " " + avail + " " + pct + "% " + args.get(1) + "\n");
            return StepResult.done(0);
        }
        throw new UsageException("unsupported option '" + args.get(0) + "' (supported: --output=avail, -P)");
    }
}
