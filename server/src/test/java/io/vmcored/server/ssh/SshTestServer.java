package io.vmcored.server.ssh;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.vmcored.protocol.flat.DecoderLimits;
import io.vmcored.protocol.rearrange.ContentKind;
import io.vmcored.protocol.rearrange.StreamReceiver;
import io.vmcored.server.ssh.auth.AuthorizedKey;
import io.vmcored.server.ssh.auth.AuthorizedKeyStore;
import io.vmcored.server.ssh.auth.HostKeys;
import io.vmcored.server.ssh.fs.ClientPaths;
import io.vmcored.server.ssh.fs.DumpEvents;
import io.vmcored.server.ssh.fs.SshSpool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

/** The SSH receiver started in-process on port 0 with a temp spool and state dir, plus what it reported. */
final class SshTestServer implements AutoCloseable {

    /** One {@link DumpEvents#stored} call. */
    record Stored(String host, Path dir, String file, StreamReceiver.Outcome outcome, boolean complete) {
    }

    final Path spool;
    final Path state;
    final ConcurrentLinkedQueue<Stored> stored = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<String> receiving = new ConcurrentLinkedQueue<>();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final ExecutorService files = Executors.newFixedThreadPool(4);
    private SshReceiver receiver;

    SshTestServer(Path dir, SshOptions options) throws IOException {
        this.spool = dir.resolve("spool");
        this.state = dir.resolve("state");
        Files.createDirectories(spool);
        start(options);
    }

    void start(SshOptions options) throws IOException {
        DumpEvents events = new DumpEvents() {
            @Override
            public void receiving(String host, Path dumpDir, String file, ContentKind kind) {
                receiving.add(host + "/" + dumpDir.getFileName() + "/" + file + ":" + kind);
            }

            @Override
            public void stored(String host, Path dumpDir, String file, StreamReceiver.Outcome outcome, boolean complete) {
                stored.add(new Stored(host, dumpDir, file, outcome, complete));
            }
        };
        SshSpool sshSpool = new SshSpool(spool, new ClientPaths(options.basePaths()), events, DecoderLimits.DEFAULT);
        receiver = new SshReceiver(group, files, state, sshSpool, options, "127.0.0.1", 0);
        receiver.start();
    }

    /** Stops the SSH server only (for restart tests). */
    void stop() throws IOException {
        receiver.close();
    }

    int port() {
        return receiver.port();
    }

    void enroll(String host, Path pubKeyFile) throws IOException {
        new AuthorizedKeyStore(state).add(List.of(AuthorizedKey.parsePublicKeyLine(host, Files.readString(pubKeyFile))));
    }

    /** A known_hosts line for this server's host key. */
    String knownHostsLine() throws Exception {
        KeyPair kp = HostKeys.load(state).loadKeys(null).iterator().next();
        return "[127.0.0.1]:" + port() + " " + PublicKeyEntry.toString(kp.getPublic());
    }

    /** Waits (bounded) until a stored event for {@code dumpDir}/{@code file} arrived. */
    Stored awaitStored(String dumpDir, String file) throws InterruptedException {
        Instant end = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(end)) {
            for (Stored s : stored) {
                if (s.file().equals(file) && s.dir().getFileName().toString().equals(dumpDir)) {
                    return s;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no stored event for " + dumpDir + "/" + file + " within 30 s; got " + stored);
    }

    @Override
    public void close() throws Exception {
        receiver.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        files.shutdownNow();
    }
}
