package io.vmcored.server.http.console;

import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What the web console and its API need beyond the dump API: logins, the live events, the
 * enrolled SSH keys (read from the SSH receiver's store, blocking), the spool's free space.
 *
 * @param keys    the enrolled client keys, read from disk (call on a file thread)
 * @param free    usable bytes in the spool file system now
 * @param minFree the watermark (spool.min-free)
 */
public record Console(ConsoleSessions sessions, EventHub events, ConsoleAssets assets, Supplier<List<EnrolledKey>> keys,
                      LongSupplier free, long minFree) {
}
