package io.vmcored.server.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.server.config.ServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One server per spool and state directory: the second is refused at start, told who holds it, and leaves nothing running. */
class InstanceLockTest {

    @TempDir
    Path tmp;

    @Test
    void aSecondServerOnTheSameSpoolIsRefusedNamingTheHolder() throws Exception {
        try (TestServer first = TestServer.start(tmp)) {
            assertTrue(first.tcp() > 0, "the first one runs");
            ServerConfig again = TestServer.config(tmp);
            IOException e = assertThrows(IOException.class, () -> new VmcoredServer(again).start());
            assertEquals("spool " + again.spoolDir + " is in use by another vmcored (pid " + ProcessHandle.current().pid()
                    + "): one server per spool; stop it or give this one its own --spool and --state", e.getMessage());
            assertEquals(ProcessHandle.current().pid() + "\n",
                    Files.readString(again.spoolDir.resolve(InstanceLock.FILE_NAME)), "the lock file names its holder");

            ServerConfig sharedState = TestServer.config(tmp.resolve("other"));
            sharedState.stateDir = again.stateDir;
            IOException s = assertThrows(IOException.class, () -> new VmcoredServer(sharedState).start());
            assertTrue(s.getMessage().startsWith("state directory " + again.stateDir + " is in use by another vmcored"),
                    s.getMessage());
            assertEquals(-1, new VmcoredServer(again).port("tcp"), "a refused server binds nothing");
        }
        try (TestServer after = TestServer.start(tmp)) {
            assertTrue(after.tcp() > 0, "once the first one stopped, the spool is free again");
        }
    }
}
