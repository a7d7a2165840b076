package io.vmcored.server.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder replaced below. */
@Command(name = "rearrange")
final class RearrangeCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return 1;
    }
}
