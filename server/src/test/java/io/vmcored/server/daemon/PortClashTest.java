package io.vmcored.server.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vmcored.server.config.ServerConfig;
import io.vmcored.server.net.BindFailure;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A port taken by another program: the start fails naming the listener, address and port, and frees the spool. */
class PortClashTest {

    @TempDir
    Path tmp;

    @Test
    void aTakenPortNamesTheListenerAndPort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            for (String listener : new String[] {"tcp", "http", "ssh"}) {
                ServerConfig c = TestServer.config(tmp.resolve(listener));
                c.set("ssh.port", "-1");
                switch (listener) {
                    case "tcp" -> c.ingestPort = taken.getLocalPort();
                    case "http" -> c.httpPort = taken.getLocalPort();
                    default -> c.set("ssh.port", Integer.toString(taken.getLocalPort()));
                }
                BindFailure e = assertThrows(BindFailure.class, () -> new VmcoredServer(c).start());
                assertEquals(listener + " listener cannot listen on 127.0.0.1:" + taken.getLocalPort()
                        + ": Address already in use", e.getMessage().replace(" (Bind failed)", ""));
                c.ingestPort = 0;
                c.httpPort = 0;
                c.set("ssh.port", "-1");
                try (TestServer again = TestServer.start(c)) {
                    assertEquals(true, again.tcp() > 0, "a failed start left the spool free for the next one");
                }
            }
        }
    }
}
