package io.vmcored.server.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmcored.protocol.testsupport.Fixtures;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A resume point must be backed by the bytes on disk, not only by the manifest: the server is
 * SIGKILLed after a checkpoint, the stored dump files are cut below the committed offset
 * while it is down (what a lost page-cache writeback or an operator's copy can leave), and
 * the senders resume as the protocol tells them. The result must equal makedumpfile -R; a
 * dump with a hole must never be called complete. The server has to offer an earlier point
 * (or 0) that the file can back.
 */
class DurableResumePointTest {

    @TempDir
    Path tmp;

    @Test
    void resumeAfterTheStoredFileLostCommittedBytesIsByteIdenticalOrStartsEarlier() throws Exception {
        Path flat = Fixtures.stream(CrashRecoveryTest.NAME);
        Path oracle = Fixtures.oracle(CrashRecoveryTest.NAME);
        Spool spool = new Spool(tmp.resolve("spool"));
        Path tcpDir;
        Path httpDir;
        try (ServerProcess s = ServerProcess.start(tmp, false, "spool.min-free=1M");
             Client tcp = Client.piped(Senders.nc(s.port("tcp")));
             Client http = Client.piped(Senders.curlPut(s.port("http"), "web12", "boot-2"))) {
            SlowFeed tcpFeed = new SlowFeed(tcp.stdin(),
                    Senders.ascii("VMCORED/1 " + Senders.putLine("web11", "boot-1", 0) + "\n"), flat,
                    CrashRecoveryTest.RATE);
            SlowFeed httpFeed = new SlowFeed(http.stdin(), new byte[0], flat, CrashRecoveryTest.RATE);
            Duration wait = Duration.ofSeconds(60);
            tcpDir = Spool.await("a checkpoint of the TCP upload", wait, () -> spool.byClientId("web11", "boot-1"),
                    m -> m.path("files").path("vmcore").has("resumeFrom"));
            httpDir = Spool.await("a checkpoint of the HTTP upload", wait, () -> spool.byClientId("web12", "boot-2"),
                    m -> m.path("files").path("vmcore").has("resumeFrom"));
            s.kill();
            tcp.await(Duration.ofSeconds(30));
            http.await(Duration.ofSeconds(30));
            tcpFeed.close();
            httpFeed.close();
        }
        List<String> cuts = new ArrayList<>();
        long[] checkpoint = new long[2];
        int i = 0;
        for (Path dir : List.of(tcpDir, httpDir)) {
            JsonNode entry = Spool.file(dir, "vmcore");
            checkpoint[i++] = entry.path("resumeFrom").asLong();
            Path f = dir.resolve("vmcore");
            long size = Files.size(f);
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                ch.truncate(size / 2);
            }
            cuts.add(dir.getParent().getFileName() + "/" + dir.getFileName() + ": committed "
                    + entry.path("committedBytes").asLong() + " (resume from " + entry.path("resumeFrom").asLong()
                    + "), file cut from " + size + " to " + size / 2 + " bytes");
        }

        try (ServerProcess s = ServerProcess.start(tmp, false, "spool.min-free=1M")) {
            // TCP: HELLO, PUT from the offered offset; a refusal naming another offset is followed
            List<String> tcpTalk = new ArrayList<>();
            Map<String, String> hello = Senders.hello(s.port("tcp"), "web11", "boot-1");
            tcpTalk.add("HELLO -> " + hello);
            long tcpOffset = Long.parseLong(hello.getOrDefault("offset", "0"));
            long tcpFirstOffset = tcpOffset;
            String reply = "";
            for (int attempt = 0; attempt < 3 && !reply.startsWith("DONE"); attempt++) {
                reply = Senders.put(s.port("tcp"), "web11", "boot-1", tcpOffset, flat);
                tcpTalk.add("PUT offset=" + tcpOffset + " -> " + reply);
                Map<String, String> f = Senders.fields(reply);
                if (!f.get("status").equals("DONE") && f.containsKey("offset")) {
                    tcpOffset = Long.parseLong(f.get("offset"));
                }
            }

            // HTTP: HEAD, PUT from X-Vmcored-Offset; a 409 is followed by another HEAD
            List<String> httpTalk = new ArrayList<>();
            Senders.HttpAnswer answer = null;
            long httpFirstOffset = -1;
            for (int attempt = 0; attempt < 3 && (answer == null || answer.code() != 201); attempt++) {
                Map<String, String> head = Senders.head(s.port("http"), "web12", "boot-2");
                long off = Long.parseLong(head.getOrDefault("x-vmcored-offset", "0"));
                httpFirstOffset = httpFirstOffset < 0 ? off : httpFirstOffset;
                answer = Senders.httpPut(s.port("http"), "web12", "boot-2", off, flat);
                httpTalk.add("HEAD offset=" + off + ", PUT -> " + answer);
            }

            String story = "\n" + String.join("\n", cuts) + "\nTCP: " + tcpTalk + "\nHTTP: " + httpTalk
                    + "\nserver log:\n" + s.logAbout("web1");
            assertEquals(-1, Files.mismatch(tcpDir.resolve("vmcore"), oracle),
                    "TCP dump after the resume vs makedumpfile -R (a hole where the file was cut?)" + story);
            assertEquals(-1, Files.mismatch(httpDir.resolve("vmcore"), oracle),
                    "HTTP dump after the resume vs makedumpfile -R (a hole where the file was cut?)" + story);
            assertTrue(tcpFirstOffset < checkpoint[0], "TCP: the server must not offer the pre-crash point" + story);
            assertTrue(httpFirstOffset < checkpoint[1], "HTTP: the server must not offer the pre-crash point" + story);
            assertTrue(reply.startsWith("DONE") && reply.contains(" state=complete "), "TCP ends complete" + story);
            assertEquals(201, answer.code(), "HTTP ends complete" + story);
        }
    }
}
