package io.vmcored.server.ssh.exec;

import io.vmcored.server.ssh.exec.Builtins.UsageException;
import io.vmcored.server.ssh.fs.SpoolPath;
import java.io.IOException;
import java.util.List;

/** Legacy scp protocol: {@code scp -t TARGET} (upload) and {@code scp -f SOURCE} (download). */
final class ScpCommands {

    private ScpCommands() {
    }

    static StepResult start(List<String> args, ExecContext ctx) throws IOException, UsageException {
        boolean sink = false;
        boolean source = false;
        boolean dirTarget = false;
        String path = null;
        boolean endOfOptions = false;
        for (String a : args) {
            if (!endOfOptions && a.equals("--")) {
                endOfOptions = true;
            } else if (!endOfOptions && a.startsWith("-") && a.length() > 1) {
                for (char f : a.substring(1).toCharArray()) {
                    switch (f) {
                        case 't' -> sink = true;
                        case 'f' -> source = true;
                        case 'd' -> dirTarget = true;
                        case 'p', 'v', 'q' -> {
                            // times, verbosity: nothing to do
                        }
                        case 'r' -> throw new UsageException("recursive copies are not supported");
                        default -> throw new UsageException("unsupported option '-" + f + "'");
                    }
                }
            } else if (path == null) {
                path = a;
            } else {
                throw new UsageException("one path only");
            }
        }
        if (sink == source || path == null) {
            throw new UsageException("usage: scp -t [-d] TARGET | scp -f SOURCE");
        }
        SpoolPath p = ctx.area.map(path);
        if (sink) {
            ScpSink s = new ScpSink(p, dirTarget || !p.isFile(), ctx);
            s.begin();
            return StepResult.reading(s);
        }
        return StepResult.reading(new ScpSource(p, path, ctx));
    }
}
