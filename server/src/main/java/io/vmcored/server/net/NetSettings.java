package io.vmcored.server.net;

import io.netty.channel.EventLoopGroup;
import io.vmcored.server.ingest.RefusalLog;
import io.vmcored.server.metrics.IngestMetrics;
import java.time.Duration;

/**
 * What every Netty listener of the daemon shares.
 *
 * @param group          the one event-loop group: all network I/O runs here (SSH too, via sshd-netty)
 * @param bind           the address every listener binds
 * @param idleTimeout    a connection that sends nothing this long is closed (an upload in it ends incomplete)
 * @param maxConnections open connections beyond this are closed at once
 * @param metrics        counts connections and the ones refused
 * @param refusals       refused logins and tokens: logged (rate-limited per peer) and counted
 */
public record NetSettings(EventLoopGroup group, String bind, Duration idleTimeout, int maxConnections,
                          IngestMetrics metrics, RefusalLog refusals) {
}
