package io.vmcored.server.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vmcored.server.daemon.Shell;
import io.vmcored.server.ingest.RefusalLog;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A kdump host whose key was never enrolled: OpenSSH's ssh is refused, and the operator sees it:
 * one WARN line with the peer, the user and the key's fingerprint, and the counter; a burst of
 * attempts is one line a second, with the rest summed up.
 */
class RefusedLoginTest {

    @TempDir
    Path tmp;

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private Logger logger;

    @BeforeEach
    void capture() {
        logger = (Logger) LoggerFactory.getLogger(RefusalLog.class);
        log.start();
        logger.addAppender(log);
    }

    @AfterEach
    void release() {
        logger.detachAppender(log);
    }

    @Test
    void anUnknownKeyIsRefusedLoggedWithItsFingerprintAndCounted() throws Exception {
        try (SshTestServer server = new SshTestServer(tmp, SshOptions.from(Map.of()))) {
            Path key = tmp.resolve("stranger");
            Shell.run("ssh-keygen -q -t ed25519 -N '' -C stranger -f " + key);
            String fingerprint = Shell.run("ssh-keygen -l -E sha256 -f " + key + ".pub").split(" ")[1];
            String ssh = "ssh -p " + server.port() + " -F none -i " + key + " -o IdentitiesOnly=yes -o IdentityAgent=none"
                    + " -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR"
                    + " root@127.0.0.1 true";
            int exit = Integer.parseInt(Shell.run(ssh + "; echo $?").strip().lines().reduce((a, b) -> b).orElse("0"));
            assertNotEquals(0, exit, "an unknown key does not log in");
            List<String> lines = warnings();
            assertEquals(1, lines.size(), "one line for one refused login: " + lines);
            assertTrue(lines.get(0).startsWith("ssh refused peer=127.0.0.1 reason=unknown_key user=root key=" + fingerprint),
                    lines.get(0));
            assertEquals(1.0, server.authFailures("ssh", "unknown_key"), "counted");

            for (int i = 0; i < 5; i++) {
                Shell.run(ssh + " || true");
            }
            assertEquals(6.0, server.authFailures("ssh", "unknown_key"), "every refusal counted");
            assertTrue(warnings().size() < 6, "a burst is not a line per attempt: " + warnings());
        }
    }

    private List<String> warnings() {
        return log.list.stream().filter(e -> e.getLevel().toString().equals("WARN")).map(ILoggingEvent::getFormattedMessage)
                .toList();
    }
}
