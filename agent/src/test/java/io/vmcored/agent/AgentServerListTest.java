package io.vmcored.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.protocol.testsupport.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * vmcored-agent with a list of collectors ({@code --server a:p,b:q,...}), under busybox sh
 * with the real makedumpfile on the fixture vmcore, against real vmcored servers in this JVM
 * and closed loopback ports: where it starts (the host id's cksum), failing over from a
 * collector that does not answer, moving on from one that refuses for disk space, and the
 * list's usage errors. The stored dumps must equal the fixtures' makedumpfile -R oracles.
 */
class AgentServerListTest {

    @TempDir
    Path dir;

    private BusyboxAgent agent;

    @BeforeEach
    void busyboxPath() throws Exception {
        agent = new BusyboxAgent(dir, "makedumpfile", "curl");
    }

    @Test
    void aDeadFirstCollectorIsLeftForTheNextOverTcp() throws Exception {
        failsOverFromADeadCollector("tcp", "lzo", "kdump-lzo-d31");
    }

    @Test
    void aDeadFirstCollectorIsLeftForTheNextOverHttp() throws Exception {
        failsOverFromADeadCollector("http", "zlib", "kdump-zlib-d31");
    }

    private void failsOverFromADeadCollector(String transport, String compress, String oracle) throws Exception {
        String host = "list-" + transport;
        int dead = E2eSupport.freePort();
        try (TestServer live = new TestServer(dir.resolve("live"), 0, 0, Map.of()).start()) {
            int livePort = transport.equals("http") ? live.httpPort() : live.tcpPort();
            String list = ring(host, "127.0.0.1:" + dead, "127.0.0.1:" + livePort);
            BusyboxAgent.Result r = agent.run(List.of("--server", list, "--transport", transport, "--host", host,
                    "--compress", compress, "--vmcore", Fixtures.vmcore().toString(), "--work-dir",
                    dir.resolve("work").toString()));
            assertEquals(0, r.rc(), r.out());
            assertTrue(r.out().contains("starting with 127.0.0.1:" + dead + ", entry "), "started where the host id says: " + r.out());
            assertEquals(1, count(r.out(), "failing over from 127.0.0.1:" + dead + " to 127.0.0.1:" + livePort
                    + " (2 attempts without an answer: no answer from 127.0.0.1:" + dead), r.out());
            Path dump = live.onlyDump();
            assertEquals("complete", TestServer.manifest(dump).path("state").asText(), r.out());
            assertSameBytes(Fixtures.oracle(oracle), dump.resolve("vmcore"));
            assertSameBytes(Fixtures.dmesg(oracle), dump.resolve("vmcore-dmesg.txt"));
        }
    }

    /**
     * --retries 0 with two dead collectors before the live one: each failed attempt uses up
     * the budget, yet the agent tries every entry of the list before it gives up.
     */
    @Test
    void noEntryOfTheListIsLeftUntriedWhenTheRetriesRunOut() throws Exception {
        String host = "list-budget";
        int dead1 = E2eSupport.freePort();
        int dead2 = E2eSupport.freePort();
        try (TestServer live = new TestServer(dir.resolve("live"), 0, 0, Map.of()).start()) {
            String list = ring(host, "127.0.0.1:" + dead1, "127.0.0.1:" + dead2, "127.0.0.1:" + live.tcpPort());
            BusyboxAgent.Result r = agent.run(List.of("--server", list, "--retries", "0", "--host", host,
                    "--vmcore", Fixtures.vmcore().toString(), "--work-dir", dir.resolve("work").toString()));
            assertEquals(0, r.rc(), r.out());
            assertTrue(r.out().contains("failing over from 127.0.0.1:" + dead1 + " to 127.0.0.1:" + dead2
                    + " (retries used up, 127.0.0.1:" + dead2 + " not tried yet"), r.out());
            assertTrue(r.out().contains("failing over from 127.0.0.1:" + dead2 + " to 127.0.0.1:" + live.tcpPort()
                    + " (retries used up, 127.0.0.1:" + live.tcpPort() + " not tried yet"), r.out());
            assertSameBytes(Fixtures.oracle("kdump-lzo-d31"), live.onlyDump().resolve("vmcore"));
        }
        // and with every entry dead, it gives up after one attempt on each
        BusyboxAgent.Result r = agent.run(List.of("--server", "127.0.0.1:" + dead1 + ",127.0.0.1:" + dead2,
                "--retries", "0", "--host", host, "--vmcore", Fixtures.vmcore().toString(), "--work-dir",
                dir.resolve("work").toString()));
        assertEquals(2, r.rc(), r.out());
        assertEquals(2, count(r.out(), ": sending to tcp://"), "one attempt per server: " + r.out());
        assertTrue(r.out().contains("giving up on the list (127.0.0.1:" + dead1 + ", 127.0.0.1:" + dead2
                + ") after 0 retries, each server tried"), r.out());
    }

    @Test
    void aBadEntryOfTheListIsOneUsageLine() throws Exception {
        Path conf = Files.writeString(dir.resolve("empty.conf"), "");
        Map<String, String> cases = Map.of(
                "a.example,,b.example", "--server \"a.example,,b.example\": entry 2 is empty (expected HOST[:PORT],HOST[:PORT],...)",
                "a.example:5555,b.example:99999", "--server \"a.example:5555,b.example:99999\": entry 2 \"b.example:99999\": port \"99999\" is not 1..65535",
                "a.example;b.example", "--server \"a.example;b.example\": entry 1 \"a.example;b.example\" is not HOST[:PORT]",
                "a.example,:5555", "--server \"a.example,:5555\": entry 2 \":5555\" has no host");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            BusyboxAgent.Result r = agent.run(List.of("--config", conf.toString(), "--server", c.getKey(),
                    "--vmcore", Fixtures.vmcore().toString(), "--work-dir", dir.resolve("work").toString()));
            assertEquals(1, r.rc(), r.out());
            assertEquals(1, r.out().strip().lines().count(), "one line: " + r.out());
            assertTrue(r.out().startsWith("vmcored-agent: " + c.getValue()), r.out());
        }
        Files.writeString(conf, "server=a.example, b.example:0\n");
        BusyboxAgent.Result r = agent.run(List.of("--config", conf.toString(), "--vmcore", Fixtures.vmcore().toString()));
        assertEquals(1, r.rc(), r.out());
        assertEquals("vmcored-agent: --server \"a.example, b.example:0\": entry 2 \"b.example:0\": port \"0\" is not 1..65535",
                r.out().strip(), "the config file's list is checked the same way");
        r = agent.run(List.of("--config", conf.toString(), "--server", "a.example", "--failover-after", "0"));
        assertEquals(1, r.rc(), r.out());
        assertEquals("vmcored-agent: --failover-after \"0\": expected a count >= 1", r.out().strip());
    }

    /**
     * The collector the host starts with refuses for disk space: the next one stores the
     * dump, the first keeps nothing. With every collector of the list refusing, the agent
     * takes the fallback path (exit 3 with --fallback-dir).
     */
    @Test
    void aCollectorLowOnDiskPassesTheDumpToTheNext() throws Exception {
        String host = "list-disk";
        Map<String, String> full = Map.of("spool.min-free", "1000T");
        try (TestServer low = new TestServer(dir.resolve("low"), 0, 0, full).start();
             TestServer roomy = new TestServer(dir.resolve("roomy"), 0, 0, Map.of()).start()) {
            String list = ring(host, "127.0.0.1:" + low.tcpPort(), "127.0.0.1:" + roomy.tcpPort());
            BusyboxAgent.Result r = agent.run(List.of("--server", list, "--host", host, "--vmcore",
                    Fixtures.vmcore().toString(), "--work-dir", dir.resolve("work").toString()));
            assertEquals(0, r.rc(), r.out());
            assertEquals(1, count(r.out(), "refused by 127.0.0.1:" + low.tcpPort() + ": disk low ("), r.out());
            assertTrue(r.out().matches("(?s).*refused by 127\\.0\\.0\\.1:" + low.tcpPort() + ": disk low \\([^\n]*\\); trying 127\\.0\\.0\\.1:"
                    + roomy.tcpPort() + "\n.*"), r.out());
            assertEquals(List.of(), low.dumps(), "nothing stored on the collector low on disk");
            Path dump = roomy.onlyDump();
            assertEquals("complete", TestServer.manifest(dump).path("state").asText(), r.out());
            assertSameBytes(Fixtures.oracle("kdump-lzo-d31"), dump.resolve("vmcore"));
        }
        try (TestServer low1 = new TestServer(dir.resolve("low1"), 0, 0, full).start();
             TestServer low2 = new TestServer(dir.resolve("low2"), 0, 0, full).start()) {
            Path local = dir.resolve("local");
            BusyboxAgent.Result r = agent.run(List.of("--server", "127.0.0.1:" + low1.tcpPort() + ",127.0.0.1:" + low2.tcpPort(),
                    "--host", host, "--fallback-dir", local.toString(), "--vmcore", Fixtures.vmcore().toString(),
                    "--work-dir", dir.resolve("work2").toString()));
            assertEquals(3, r.rc(), "exit 3 = written locally only: " + r.out());
            assertTrue(r.out().contains("every server of the list refused for disk space"), r.out());
            assertEquals(2, count(r.out(), ": disk low ("), "each refused once: " + r.out());
            try (var s = Files.list(local)) {
                assertSameBytes(Fixtures.oracle("kdump-lzo-d31"), s.findFirst().orElseThrow().resolve("vmcore"));
            }
        }
    }

    /**
     * The list in the order that makes the agent start with {@code first}: the agent starts
     * at entry (POSIX cksum of the host id) mod n, computed here independently.
     */
    static String ring(String hostId, String... inOrder) {
        int n = inOrder.length;
        int start = (int) (cksum(hostId.getBytes(StandardCharsets.US_ASCII)) % n);
        String[] list = new String[n];
        for (int i = 0; i < n; i++) {
            list[(start + i) % n] = inOrder[i];
        }
        return String.join(",", Arrays.asList(list));
    }

    /** The CRC that POSIX {@code cksum} prints: CRC-32 (0x04C11DB7, MSB first) over the bytes and their length. */
    static long cksum(byte[] data) {
        int crc = 0;
        List<Integer> bytes = new ArrayList<>();
        for (byte b : data) {
            bytes.add(b & 0xff);
        }
        for (long len = data.length; len != 0; len >>>= 8) {
            bytes.add((int) (len & 0xff));
        }
        for (int b : bytes) {
            crc ^= b << 24;
            for (int k = 0; k < 8; k++) {
                crc = (crc & 0x80000000) != 0 ? (crc << 1) ^ 0x04C11DB7 : crc << 1;
            }
        }
        return ~crc & 0xffffffffL;
    }

    static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    static void assertSameBytes(Path expected, Path actual) throws IOException {
        assertTrue(Files.exists(actual), actual + " exists");
        assertEquals(Files.size(expected), Files.size(actual), actual + " size vs " + expected);
        assertArrayEquals(Files.readAllBytes(expected), Files.readAllBytes(actual), actual + " bytes vs " + expected);
    }
}
