package io.vmcored.agent;

import static io.vmcored.agent.AgentServerListTest.assertSameBytes;
import static io.vmcored.agent.AgentServerListTest.count;
import static io.vmcored.agent.AgentServerListTest.ring;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.vmcored.protocol.testsupport.Fixtures;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Conformance of the agent to the "elsewhere" answer of collectors sharing a catalog
 * ({@code REFUSED reason=elsewhere node=NAME server=HOST:PORT wait=S} over TCP, 409 with
 * {@code "error":"elsewhere"} over HTTP): how the agent reads it and what it does next. The
 * answer comes from a stand-in that only speaks that reply (then relays to a real vmcored);
 * the collectors' leases themselves are tested with the shared catalog.
 */
class AgentElsewhereReplyTest {

    @TempDir
    Path dir;

    private BusyboxAgent agent;

    @BeforeEach
    void busyboxPath() throws Exception {
        agent = new BusyboxAgent(dir, "makedumpfile", "curl");
    }

    /** The collector that holds the dump is named with its address: the agent goes there, which is no failure. */
    @Test
    void tcpAnswerNamingTheReceivingCollectorIsFollowed() throws Exception {
        try (TestServer holder = new TestServer(dir.resolve("holder"), 0, 0, Map.of()).start();
             ElsewhereStandIn asked = new ElsewhereStandIn(holder.tcpPort(), "REFUSED reason=elsewhere node=rack2 server=127.0.0.1:"
                     + holder.tcpPort() + " wait=25 message=rack2 is receiving dump d-1 of redirected", Integer.MAX_VALUE)) {
            BusyboxAgent.Result r = agent.run(List.of("--server", "127.0.0.1:" + asked.port(), "--retries", "0",
                    "--host", "redirected", "--dump-id", "d-1", "--vmcore", Fixtures.vmcore().toString(),
                    "--work-dir", dir.resolve("work").toString()));
            assertEquals(0, r.rc(), "not a failure, even with --retries 0: " + r.out());
            assertEquals(1, count(r.out(), "127.0.0.1:" + asked.port() + " says collector rack2 is receiving dump d-1; switching to 127.0.0.1:"
                    + holder.tcpPort()), r.out());
            assertEquals(List.of("VMCORED/1 HELLO host=redirected dump=d-1 file=vmcore-dmesg.txt"), asked.requests());
            Path dump = holder.onlyDump();
            assertEquals("d-1", TestServer.manifest(dump).path("clientId").asText(), "same dump id");
            assertSameBytes(Fixtures.oracle("kdump-lzo-d31"), dump.resolve("vmcore"));
            assertSameBytes(Fixtures.dmesg("kdump-lzo-d31"), dump.resolve("vmcore-dmesg.txt"));
        }
    }

    /**
     * The collector that held the dump died: the agent failed over from it, and the next one
     * names it as the receiver. Going back is pointless, so the agent waits out the lease
     * (counted as a retry) and asks again, and then the dump goes there from byte 0.
     */
    @Test
    void tcpAnswerNamingTheDeadCollectorIsWaitedOut() throws Exception {
        String host = "orphaned";
        int dead = E2eSupport.freePort();
        try (TestServer next = new TestServer(dir.resolve("next"), 0, 0, Map.of()).start();
             ElsewhereStandIn asked = new ElsewhereStandIn(next.tcpPort(), "REFUSED reason=elsewhere node=rack1 server=127.0.0.1:"
                     + dead + " wait=1 message=rack1 is receiving dump d-2 of orphaned", 1)) {
            String list = ring(host, "127.0.0.1:" + dead, "127.0.0.1:" + asked.port());
            BusyboxAgent.Result r = agent.run(List.of("--server", list, "--host", host, "--dump-id", "d-2", "--vmcore",
                    Fixtures.vmcore().toString(), "--work-dir", dir.resolve("work").toString()));
            assertEquals(0, r.rc(), r.out());
            assertEquals(1, count(r.out(), "failing over from 127.0.0.1:" + dead + " to 127.0.0.1:" + asked.port()), r.out());
            assertTrue(r.out().matches("(?s).*vmcore-dmesg.txt: refused: REFUSED reason=elsewhere [^\n]*: collector rack1 is receiving this dump "
                    + "\\(127\\.0\\.0\\.1:" + dead + " is not answering\\); waiting for its lease to run out; retry [0-9]+/8 in 2s\n.*"), r.out());
            assertFalse(r.out().contains("switching to"), r.out());
            List<String> seen = asked.requests();
            assertTrue(seen.size() >= 2, "asked again after the wait: " + seen);
            assertTrue(seen.stream().allMatch(l -> l.contains(" dump=d-2 ")), "the same dump id throughout: " + seen);
            Path dump = next.onlyDump();
            assertEquals("d-2", TestServer.manifest(dump).path("clientId").asText());
            assertSameBytes(Fixtures.oracle("kdump-lzo-d31"), dump.resolve("vmcore"));
        }
    }

    /** A collector cut off from its shared catalog refuses a new dump once: the agent tries the next of its list. */
    @Test
    void catalogDownSendsTheAgentToTheNextCollector() throws Exception {
        String host = "cutoff";
        try (TestServer next = new TestServer(dir.resolve("next"), 0, 0, Map.of()).start();
             TestServer relayed = new TestServer(dir.resolve("relayed"), 0, 0, Map.of()).start();
             ElsewhereStandIn asked = new ElsewhereStandIn(relayed.tcpPort(), "REFUSED reason=catalog_down message=the shared"
                     + " catalog has been unreachable for 40 s: another collector of the list should take this dump", 1)) {
            String list = ring(host, "127.0.0.1:" + asked.port(), "127.0.0.1:" + next.tcpPort());
            BusyboxAgent.Result r = agent.run(List.of("--server", list, "--retries", "0", "--host", host, "--dump-id", "d-4",
                    "--vmcore", Fixtures.vmcore().toString(), "--work-dir", dir.resolve("work").toString()));
            assertEquals(0, r.rc(), "not a failure, even with --retries 0: " + r.out());
            assertEquals(1, count(r.out(), "refused by 127.0.0.1:" + asked.port() + ": its shared catalog is unreachable; trying 127.0.0.1:"
                    + next.tcpPort()), r.out());
            Path dump = next.onlyDump();
            assertEquals("d-4", TestServer.manifest(dump).path("clientId").asText(), "same dump id");
            assertSameBytes(Fixtures.oracle("kdump-lzo-d31"), dump.resolve("vmcore"));
        }
    }

    /** Over HTTP: the 409's JSON body carries node, server and wait; the agent follows the server. */
    @Test
    void httpConflictNamingTheReceivingCollectorIsFollowed() throws Exception {
        List<String> asked = new CopyOnWriteArrayList<>();
        HttpServer standIn = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        try (TestServer holder = new TestServer(dir.resolve("holder"), 0, 0, Map.of()).start()) {
            byte[] body = ("{\"error\":\"elsewhere\",\"node\":\"rack3\",\"server\":\"127.0.0.1:" + holder.httpPort()
                    + "\",\"wait\":25,\"message\":\"rack3 is receiving dump d-3 of redirected-http\"}").getBytes(StandardCharsets.UTF_8);
            standIn.createContext("/", exchange -> {
                asked.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
                exchange.getRequestBody().readAllBytes();
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(409, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            standIn.start();
            int port = standIn.getAddress().getPort();
            BusyboxAgent.Result r = agent.run(List.of("--server", "127.0.0.1:" + port, "--transport", "http", "--retries", "0",
                    "--host", "redirected-http", "--dump-id", "d-3", "--compress", "zlib", "--vmcore",
                    Fixtures.vmcore().toString(), "--work-dir", dir.resolve("work").toString()));
            assertEquals(0, r.rc(), r.out());
            assertEquals(1, count(r.out(), "127.0.0.1:" + port + " says collector rack3 is receiving dump d-3; switching to 127.0.0.1:"
                    + holder.httpPort()), r.out());
            assertEquals(List.of("GET /api/v1/dumps/redirected-http?dump=d-3&file=vmcore-dmesg.txt"), asked);
            Path dump = holder.onlyDump();
            assertEquals("d-3", TestServer.manifest(dump).path("clientId").asText());
            assertSameBytes(Fixtures.oracle("kdump-zlib-d31"), dump.resolve("vmcore"));
        } finally {
            standIn.stop(0);
        }
    }
}
