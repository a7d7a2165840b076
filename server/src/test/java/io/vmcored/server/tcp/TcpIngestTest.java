package io.vmcored.server.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.protocol.testsupport.Fixtures;
import io.vmcored.protocol.testsupport.Processes;
import io.vmcored.server.catalog.DumpRecord;
import io.vmcored.server.catalog.DumpState;
import io.vmcored.server.catalog.Manifest;
import io.vmcored.server.config.ServerConfig;
import io.vmcored.server.daemon.TestServer;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TCP ingest driven by real nc / busybox nc / socat, checked byte for byte against makedumpfile -R. */
class TcpIngestTest {

    @TempDir
    Path tmp;

    @Test
    void bareStreamFromOpenBsdNcIsFiledUnderPeerAndIdentical() throws Exception {
        Path flat = Fixtures.stream("kdump-zlib-d31");
        try (TestServer s = TestServer.start(tmp)) {
            // no -N: OpenBSD nc never half-closes, the server must notice the end marker itself
            s.sh("nc 127.0.0.1 $PORT < " + flat);
            DumpRecord r = only(s, "127.0.0.1");
            assertEquals(DumpState.COMPLETE, r.state(), "state of the bare upload: " + r.snapshot().problem);
            assertEquals(-1, Files.mismatch(r.fileFor("vmcore"), Fixtures.oracle("kdump-zlib-d31")),
                    "stored dump must equal makedumpfile -R output");
        }
    }

    @Test
    void bareStreamFromSocatWithElfContent() throws Exception {
        try (TestServer s = TestServer.start(tmp)) {
            s.sh("socat -u FILE:" + Fixtures.stream("elf-d31") + " TCP:127.0.0.1:$PORT");
            DumpRecord r = only(s, "127.0.0.1");
            waitFinished(r);
            assertEquals(-1, Files.mismatch(r.fileFor("vmcore"), Fixtures.oracle("elf-d31")), "ELF dump from socat");
        }
    }

    @Test
    void busyboxHandshakeResumesAfterACutConnection() throws Exception {
        String name = "kdump-lzo-d31";
        Path flat = Fixtures.stream(name);
        try (TestServer s = TestServer.start(tmp)) {
            String hello = s.sh("echo 'VMCORED/1 HELLO host=web1 dump=boot-1' | busybox nc 127.0.0.1 $PORT");
            assertTrue(hello.startsWith("OK ") && hello.contains(" offset=0 "), "fresh HELLO: " + hello);
            // the link dies after 7 MB: busybox nc gets EOF from head, as a cut sender would
            String cut = s.sh("{ echo 'VMCORED/1 PUT host=web1 dump=boot-1 offset=0 level=31 compress=lzo'; head -c 7000000 "
                    + flat + "; } | busybox nc 127.0.0.1 $PORT");
            assertTrue(cut.startsWith("FAIL reason=incomplete"), "reply to the cut upload: " + cut);
            String again = s.sh("echo 'VMCORED/1 HELLO host=web1 dump=boot-1' | busybox nc 127.0.0.1 $PORT");
            long off = field(again, "offset");
            long committed = field(again, "committed");
            assertTrue(off > 4096 && committed - off == 4096 && committed <= 7000000, "resume point: " + again);
            String done = s.sh("{ echo 'VMCORED/1 PUT host=web1 dump=boot-1 offset=" + off + "'; tail -c +" + (off + 1)
                    + " " + flat + "; } | busybox nc 127.0.0.1 $PORT");
            assertTrue(done.startsWith("DONE ") && done.contains(" state=complete "), "reply to the resumed upload: " + done);
            DumpRecord r = only(s, "web1");
            assertEquals(-1, Files.mismatch(r.fileFor("vmcore"), Fixtures.oracle(name)), "resumed dump vs makedumpfile -R");
            Manifest m = r.snapshot();
            assertEquals(1, m.resumes, "resumes in manifest");
            assertEquals("lzo", m.sender.get("compress"), "sender options recorded");
            assertEquals(null, m.files.get("vmcore").incompleteMark == null ? null : "header still flagged?",
                    "resumed complete dump must not keep the incomplete flag");
        }
    }

    @Test
    void resumedStreamThatDoesNotLineUpIsRefused() throws Exception {
        try (TestServer s = TestServer.start(tmp)) {
            s.sh("{ echo 'VMCORED/1 PUT host=h2 dump=d offset=0'; head -c 3000000 " + Fixtures.stream("kdump-zlib-d31")
                    + "; } | busybox nc 127.0.0.1 $PORT");
            long off = field(s.sh("echo 'VMCORED/1 HELLO host=h2 dump=d' | busybox nc 127.0.0.1 $PORT"), "offset");
            Path before = tmp.resolve("before");
            DumpRecord r = only(s, "h2");
            Files.copy(r.fileFor("vmcore"), before);
            String reply = s.sh("{ echo 'VMCORED/1 PUT host=h2 dump=d offset=" + off + "'; tail -c +" + (off + 1) + " "
                    + Fixtures.stream("kdump-lzo-d31") + "; } | busybox nc 127.0.0.1 $PORT");
            assertTrue(reply.startsWith("REFUSED reason=resume_mismatch"), "reply to a different stream: " + reply);
            assertEquals(-1, Files.mismatch(before, r.fileFor("vmcore")), "refused resume must not change the stored part");
        }
    }

    @Test
    void hundredConcurrentUploads() throws Exception {
        String name = "kdump-zlib-d31";
        Path flat = Fixtures.stream(name);
        try (TestServer s = TestServer.start(tmp)) {
            List<Process> ps = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                String req = "VMCORED/1 PUT host=c" + i + " dump=d offset=0";
                ps.add(new ProcessBuilder("sh", "-c", "{ echo '" + req + "'; cat " + flat + "; } | nc -N 127.0.0.1 "
                        + s.tcp()).redirectErrorStream(true).start());
            }
            for (int i = 0; i < ps.size(); i++) {
                String out = Processes.await(ps.get(i), "sender c" + i, Duration.ofSeconds(180)).out();
                assertTrue(out.startsWith("DONE "), "reply: " + out);
            }
            String expected = null;
            for (int i = 0; i < 100; i++) {
                DumpRecord r = only(s, "c" + i);
                for (int w = 0; w < 400 && r.snapshot().files.get("vmcore").checksum == null; w++) {
                    Thread.sleep(50); // checksums are computed after completion, in the background
                }
                Manifest m = r.snapshot();
                assertEquals(DumpState.COMPLETE, m.state, "dump of c" + i);
                assertNotNull(m.files.get("vmcore").checksum, "checksum of c" + i + " computed within 20 s");
                expected = expected == null ? m.files.get("vmcore").checksum : expected;
                assertEquals(expected, m.files.get("vmcore").checksum, "checksum of c" + i);
            }
            assertEquals(-1, Files.mismatch(only(s, "c7").fileFor("vmcore"), Fixtures.oracle(name)), "one of them vs oracle");
        }
    }

    @Test
    void stalledSenderIsEndedByTheIdleTimeoutAndKeptIncomplete() throws Exception {
        ServerConfig c = TestServer.config(tmp);
        c.set("limits.idle-timeout", "1s");
        try (TestServer s = TestServer.start(c)) {
            // sends 1 MB then stays silent with the connection open (sleep keeps nc's input open)
            String reply = s.sh("{ echo 'VMCORED/1 PUT host=idle dump=d offset=0'; head -c 1000000 "
                    + Fixtures.stream("kdump-zlib-d31") + "; sleep 4; } | busybox nc -w 60 127.0.0.1 $PORT || true");
            assertTrue(reply.startsWith("FAIL reason=incomplete") && reply.contains("idle timeout"), "reply: " + reply);
            Manifest m = only(s, "idle").snapshot();
            assertEquals(DumpState.INCOMPLETE, m.state, "dump state after the idle timeout");
            assertTrue(m.files.get("vmcore").committedBytes > 4096, "what arrived is kept and resumable: " + m.files);
        }
    }

    @Test
    void newConnectionStopsOneWhoseLinkDiedSilentlyAndResumes() throws Exception {
        String name = "kdump-zlib-d31";
        Path flat = Fixtures.stream(name);
        byte[] stream = Files.readAllBytes(flat);
        try (TestServer s = TestServer.start(tmp);
             Socket dead = new Socket("127.0.0.1", s.tcp())) {
            // the "dead link": 6 MB sent, then silence without FIN or RST
            dead.getOutputStream().write("VMCORED/1 PUT host=lk dump=d offset=0\n".getBytes());
            dead.getOutputStream().write(stream, 0, 6_000_000);
            dead.getOutputStream().flush();
            String reply = "";
            for (int attempt = 0; attempt < 20 && !reply.startsWith("DONE "); attempt++) {
                String hello = s.sh("echo 'VMCORED/1 HELLO host=lk dump=d' | busybox nc 127.0.0.1 $PORT");
                long off = field(hello, "offset");
                reply = s.sh("{ echo 'VMCORED/1 PUT host=lk dump=d offset=" + off + "'; tail -c +" + (off + 1) + " " + flat
                        + "; } | busybox nc 127.0.0.1 $PORT");
                if (attempt == 0) {
                    assertTrue(reply.startsWith("REFUSED reason=busy"), "first retry meets the silent connection: " + reply);
                }
                Thread.sleep(200);
            }
            assertTrue(reply.startsWith("DONE "), "resumed after the stale connection was stopped: " + reply);
            dead.setSoTimeout(10_000);
            assertEquals(-1, dead.getInputStream().read(), "the stale connection was closed by the server");
            DumpRecord r = only(s, "lk");
            assertEquals(-1, Files.mismatch(r.fileFor("vmcore"), Fixtures.oracle(name)), "dump vs makedumpfile -R");
            assertEquals(1, r.snapshot().resumes, "resumed once, not restarted");
        }
    }

    @Test
    void hostTokensGuardTheHandshakeAndShutOutBareStreams() throws Exception {
        ServerConfig c = TestServer.config(tmp);
        c.hostTokens.put("web9", "web9-token-1");
        try (TestServer s = TestServer.start(c)) {
            s.sh("nc -N 127.0.0.1 $PORT < " + Fixtures.stream("kdump-zlib-d31") + " || true");
            assertEquals(0, s.ctx().catalog().size(), "a bare stream stores nothing when host tokens are configured");
            String wrong = s.sh("echo 'VMCORED/1 HELLO host=web9 dump=d token=nope' | busybox nc 127.0.0.1 $PORT");
            assertTrue(wrong.startsWith("REFUSED reason=unauthorized"), "wrong token: " + wrong);
            String right = s.sh("{ echo 'VMCORED/1 PUT host=web9 dump=d offset=0 token=web9-token-1'; cat "
                    + Fixtures.stream("kdump-zlib-d31") + "; } | busybox nc 127.0.0.1 $PORT");
            assertTrue(right.startsWith("DONE "), "right token: " + right);
        }
    }

    @Test
    void theBodyAfterARefusedRequestLineIsDroppedNotStoredAsABareStream() throws Exception {
        try (TestServer s = TestServer.start(tmp)) {
            // one write, so the body arrives with the line, in the same read
            String refused = s.sh("printf 'VMCORED/1 PUT host=h1 offset=0\\nthe body of a refused PUT\\n' | busybox nc 127.0.0.1 $PORT");
            assertTrue(refused.startsWith("REFUSED reason=bad_request"), "a PUT without dump=: " + refused);
            Thread.sleep(700); // a bare upload would end this long after its last byte
            assertEquals(0, s.ctx().catalog().size(), "nothing stored for the refused request (no bare upload of its body)");
        }
    }

    static DumpRecord only(TestServer s, String host) {
        List<DumpRecord> rs = s.ctx().catalog().list(r -> r.host().equals(host));
        assertEquals(1, rs.size(), "dumps of " + host);
        return rs.get(0);
    }

    static void waitFinished(DumpRecord r) throws InterruptedException {
        for (int i = 0; i < 200 && r.state() == DumpState.RECEIVING; i++) {
            Thread.sleep(50);
        }
        assertEquals(DumpState.COMPLETE, r.state(), "final state: " + r.snapshot().problem);
    }

    static long field(String reply, String key) {
        for (String w : reply.trim().split(" ")) {
            if (w.startsWith(key + "=")) {
                return Long.parseLong(w.substring(key.length() + 1));
            }
        }
        throw new AssertionError("no " + key + " in reply: " + reply);
    }
}
