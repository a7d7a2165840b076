package io.vmcored.server.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.protocol.testsupport.Fixtures;
import io.vmcored.server.analysis.Waits;
import io.vmcored.server.catalog.DumpRecord;
import io.vmcored.server.catalog.DumpState;
import io.vmcored.server.config.ServerConfig;
import io.vmcored.server.daemon.TestServer;
import io.vmcored.server.http.PrometheusText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exec hook with real shell scripts: the documented arguments and environment, the timeout kill, ingest unaffected. */
class ExecHookTest {

    private static final String PANIC = "Kernel panic - not syncing: sysrq triggered crash";

    @TempDir
    Path tmp;

    @Test
    void hookGetsArgumentsAndEnvironmentOfEachEvent() throws Exception {
        Path out = Files.createDirectory(tmp.resolve("out"));
        Path hook = script("env-hook.sh", "#!/bin/sh\n"
                + "out=" + out + "\n"
                + "env | grep '^VMCORED_' | sort > \"$out/$1.$(echo $2 | tr -c 'A-Za-z0-9\\n' _).env\"\n"
                + "echo \"$1 $2\" >> \"$out/events.log\"\n"
                + "echo hook ran for $1\n");
        ServerConfig c = TestServer.config(tmp);
        c.set("events.exec", hook.toString()).set("events.threads", "1");
        Path flat = Fixtures.stream("kdump-zlib-d31");
        DumpRecord first;
        DumpRecord second;
        try (TestServer s = TestServer.start(c)) {
            s.sh("curl -sS -o /dev/null -T " + flat + " http://127.0.0.1:$HTTP/api/v1/dumps/web1");
            first = Waits.analyzed(s, "web1");
            s.sh("curl -sS -o /dev/null -T " + Fixtures.stream("elf-d31") + " http://127.0.0.1:$HTTP/api/v1/dumps/web2");
            second = Waits.analyzed(s, "web2");
        } // close() lets queued hooks finish
        String id = first.id();
        String file = id.replaceAll("[^A-Za-z0-9]", "_");
        Map<String, String> started = env(out.resolve("dump-started." + file + ".env"));
        assertEquals("dump-started", started.get("VMCORED_EVENT"), "event");
        assertEquals(id, started.get("VMCORED_DUMP_ID"), "dump id");
        assertEquals("web1", started.get("VMCORED_HOST"), "host");
        assertEquals("receiving", started.get("VMCORED_STATE"), "state at start");
        assertEquals("http", started.get("VMCORED_TRANSPORT"), "transport");
        assertEquals(null, started.get("VMCORED_SIGNATURE"), "no signature before the analysis");

        Map<String, String> done = env(out.resolve("dump-completed." + file + ".env"));
        Map<String, Object> an = first.snapshot().analysis;
        assertEquals("complete", done.get("VMCORED_STATE"), "state");
        assertEquals(first.directory().toString(), done.get("VMCORED_DUMP_DIR"), "dump directory");
        assertEquals(first.fileFor("vmcore").toString(), done.get("VMCORED_DUMP_FILE"), "dump file");
        assertEquals(first.fileFor("dmesg.txt").toString(), done.get("VMCORED_DMESG"), "kernel log file");
        assertEquals(an.get("signature"), done.get("VMCORED_SIGNATURE"), "signature");
        assertEquals(PANIC, done.get("VMCORED_PANIC"), "panic line");
        assertEquals("sysrq_handle_crash", done.get("VMCORED_FUNCTION"), "faulting function");
        assertEquals(String.join(";", (List<String>) an.get("topFrames")), done.get("VMCORED_FRAMES"), "frames");
        assertEquals(an.get("kernelRelease"), done.get("VMCORED_KERNEL"), "kernel");
        assertEquals(an.get("uptime"), done.get("VMCORED_UPTIME"), "uptime");
        assertEquals("1", done.get("VMCORED_GROUP_COUNT"), "first dump of its group");

        Map<String, String> fresh = env(out.resolve("new-signature." + file + ".env"));
        assertEquals(an.get("signature"), fresh.get("VMCORED_SIGNATURE"), "new signature event");
        String file2 = second.id().replaceAll("[^A-Za-z0-9]", "_");
        assertEquals("2", env(out.resolve("dump-completed." + file2 + ".env")).get("VMCORED_GROUP_COUNT"),
                "second dump of the group");
        assertFalse(Files.exists(out.resolve("new-signature." + file2 + ".env")), "same crash again: no new-signature");
        List<String> log = Files.readAllLines(out.resolve("events.log"));
        assertEquals(List.of("dump-started " + id, "dump-completed " + id, "new-signature " + id,
                "dump-started " + second.id(), "dump-completed " + second.id()), log, "arguments, in order (one events thread)");
    }

    /** A reload adds, changes and removes hooks for the dumps that follow; events threads start with the first. */
    @Test
    void aReloadChangesTheHooksOfTheDumpsThatFollow() throws Exception {
        Path out = Files.createDirectory(tmp.resolve("out"));
        Path hook = script("hook.sh", "#!/bin/sh\necho \"$1 $VMCORED_HOST\" >> " + out.resolve("events.log") + "\n");
        ServerConfig c = TestServer.config(tmp);
        Path flat = Fixtures.stream("kdump-zlib-d31");
        try (TestServer s = TestServer.start(c)) {
            s.sh("curl -sS -o /dev/null -T " + flat + " http://127.0.0.1:$HTTP/api/v1/dumps/web1");
            Waits.analyzed(s, "web1");
            s.server.reload(TestServer.config(tmp).set("events.exec", hook.toString()).set("events.on", "dump-completed"),
                    "test");
            s.sh("curl -sS -o /dev/null -T " + flat + " http://127.0.0.1:$HTTP/api/v1/dumps/web2");
            Waits.analyzed(s, "web2");
            Waits.until("the hook ran for web2", () -> Files.exists(out.resolve("events.log")));
            s.server.reload(TestServer.config(tmp), "test");
            s.sh("curl -sS -o /dev/null -T " + flat + " http://127.0.0.1:$HTTP/api/v1/dumps/web3");
            Waits.analyzed(s, "web3");
        }
        assertEquals(List.of("dump-completed web2"), Files.readAllLines(out.resolve("events.log")),
                "no hook before the reload that added it, only the events it names, none after the one that removed it");
    }

    @Test
    void hookPastItsTimeoutIsKilledWithItsChildrenAndIngestGoesOn() throws Exception {
        Path out = Files.createDirectory(tmp.resolve("out"));
        // the hook leaves a child behind and waits for it: both must die at the timeout
        Path hook = script("slow-hook.sh", "#!/bin/sh\nsleep 300 &\necho $! >> " + out.resolve("children") + "\nwait\n");
        ServerConfig c = TestServer.config(tmp);
        c.set("events.exec", hook.toString()).set("events.exec-timeout", "500ms").set("events.on", "dump-started")
                .set("events.threads", "1").set("events.queue", "1");
        String name = "kdump-zlib-d31";
        try (TestServer s = TestServer.start(c)) {
            for (int i = 0; i < 3; i++) {
                s.sh("nc -N 127.0.0.1 $PORT < " + Fixtures.stream(name));
            }
            Waits.until("three stored dumps", () -> s.ctx().catalog().list(r -> r.state() == DumpState.COMPLETE).size() == 3);
            for (DumpRecord r : s.ctx().catalog().list(r -> true)) {
                assertEquals(-1, Files.mismatch(r.fileFor("vmcore"), Fixtures.oracle(name)),
                        "dump stored while hooks hang must equal makedumpfile -R: " + r.id());
            }
            Waits.until("three hook runs timed out or dropped", () -> {
                Map<String, Double> m = metrics(s);
                return m.get("vmcored_events_total{event=\"dump-started\",hook=\"exec\",outcome=\"timeout\"}")
                        + m.get("vmcored_events_dropped_total{hook=\"exec\"}") == 3.0;
            });
            Map<String, Double> m = metrics(s);
            double timedOut = m.get("vmcored_events_total{event=\"dump-started\",hook=\"exec\",outcome=\"timeout\"}");
            assertTrue(timedOut >= 1, "at least the first run timed out: " + timedOut);
            assertEquals(0.0, m.get("vmcored_events_total{event=\"dump-started\",hook=\"exec\",outcome=\"ok\"}"), "ok runs");
            List<String> children = Files.readAllLines(out.resolve("children"));
            assertEquals((int) timedOut, children.size(), "one child per run that started");
            for (String pid : children) {
                Waits.until("hook child " + pid + " killed", () -> !alive(Long.parseLong(pid.trim())));
            }
        }
    }

    private Path script(String name, String text) throws Exception {
        Path p = tmp.resolve(name);
        Files.writeString(p, text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }

    private static Map<String, String> env(Path file) throws Exception {
        assertTrue(Files.exists(file), "hook output " + file.getFileName() + " exists");
        Map<String, String> env = new TreeMap<>();
        for (String line : Files.readAllLines(file)) {
            int eq = line.indexOf('=');
            env.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return env;
    }

    static Map<String, Double> metrics(TestServer s) {
        try {
            return PrometheusText.parse(s.sh("curl -sS http://127.0.0.1:$HTTP/metrics"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Running (a zombie waiting for its reaper counts as dead). */
    private static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (Exception e) {
            return false;
        }
    }
}
