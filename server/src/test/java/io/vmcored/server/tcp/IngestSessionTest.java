package io.vmcored.server.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.vmcored.server.catalog.DumpRecord;
import io.vmcored.server.config.ServerConfig;
import io.vmcored.server.ingest.TestIngest;
import io.vmcored.server.storage.WrappedInput;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TCP ingest session alone, on an {@link EmbeddedChannel}: request lines fed split at every
 * position, the reply read back. The real ingest service and catalog sit behind it.
 */
class IngestSessionTest {

    @TempDir
    Path tmp;

    private TestIngest ingest;

    @BeforeEach
    void start() throws Exception {
        ingest = new TestIngest(tmp);
    }

    @AfterEach
    void stop() throws Exception {
        ingest.close();
    }

    @Test
    void helloForANewDumpAnswersAtEverySplit() throws Exception {
        byte[] line = "VMCORED/1 HELLO host=web1 dump=d1\n".getBytes(StandardCharsets.US_ASCII);
        for (int split = 1; split < line.length; split++) {
            EmbeddedChannel ch = channel();
            ch.writeInbound(Unpooled.wrappedBuffer(line, 0, split));
            ch.writeInbound(Unpooled.wrappedBuffer(line, split, line.length - split));
            assertEquals("OK id=- state=new file=vmcore file-state=new offset=0 committed=0 steer-decision=full"
                    + " steer-reason=no_signature\n", reply(ch),
                    "split at " + split);
        }
    }

    @Test
    void aPutStoresTheStreamAndAnswersDone() throws Exception {
        EmbeddedChannel ch = channel();
        byte[] body = "just some text, stored as it came\n".repeat(100).getBytes(StandardCharsets.US_ASCII);
        ch.writeInbound(Unpooled.copiedBuffer("VMCORED/1 PUT host=web1 dump=d2 file=notes offset=0\n",
                StandardCharsets.US_ASCII));
        for (int at = 0; at < body.length; at += 777) {
            ch.writeInbound(Unpooled.wrappedBuffer(body, at, Math.min(777, body.length - at)));
        }
        ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        String reply = reply(ch);
        assertTrue(reply.startsWith("DONE id=web1@"), reply);
        assertTrue(reply.contains(" file=notes file-state=complete committed=" + body.length + " "), reply);
        DumpRecord r = ingest.catalog.byClientId("web1", "d2").orElseThrow();
        assertEquals(new String(body, StandardCharsets.US_ASCII), Files.readString(r.fileFor("notes")),
                "stored byte for byte");
        assertEquals("receiving", r.state().wire(), "not its main file: the dump waits for more files or END");

        EmbeddedChannel end = channel();
        end.writeInbound(Unpooled.copiedBuffer("VMCORED/1 END host=web1 dump=d2\n", StandardCharsets.US_ASCII));
        assertEquals("DONE id=" + r.id() + " state=incomplete message=no dump file was received\n", reply(end));
    }

    @Test
    void aGzipWrappedPutIsUnwrappedAtEverySplitOfItsWrapperAndStoredWithoutTheSuffix() throws Exception {
        WrappedInput.Flat flat = WrappedInput.smallFlat(3000);
        byte[] gz = WrappedInput.compress(WrappedInput.KDUMP_TOOLS.get(0), flat.stream(), tmp);
        int n = 0;
        // every byte of gzip's 10-byte header and 8-byte trailer, and around them
        for (int split = 1; split < gz.length; split += split < 24 || split > gz.length - 24 ? 1 : 97) {
            String dump = "gz" + n++;
            EmbeddedChannel ch = channel();
            ch.writeInbound(Unpooled.copiedBuffer("VMCORED/1 PUT host=web1 dump=" + dump + " file=vmcore.gz offset=0\n",
                    StandardCharsets.US_ASCII));
            ch.writeInbound(Unpooled.wrappedBuffer(gz, 0, split));
            ch.writeInbound(Unpooled.wrappedBuffer(gz, split, gz.length - split));
            ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
            String reply = reply(ch);
            assertTrue(reply.contains(" file=vmcore file-state=complete committed=" + gz.length + " "),
                    "split at " + split + ": " + reply);
            DumpRecord r = ingest.catalog.byClientId("web1", dump).orElseThrow();
            assertArrayEquals(flat.expected(), Files.readAllBytes(r.fileFor("vmcore")),
                    "split at " + split + ": stored = makedumpfile -R of the unwrapped stream");
            assertFalse(Files.exists(r.fileFor("vmcore.gz")), "the suffix is gone: the stored file is no gzip");
            assertEquals("GZIP", r.snapshot().files.get("vmcore").unwrappedFrom);
            assertEquals("FLATTENED", r.snapshot().files.get("vmcore").contentKind);
        }
    }

    @Test
    void aBareXzStreamIsUnwrappedAtEverySplitOfItsHead() throws Exception {
        WrappedInput.Flat flat = WrappedInput.smallFlat(3000);
        byte[] xz = WrappedInput.compress(WrappedInput.KDUMP_TOOLS.get(3), flat.stream(), tmp);
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int split = 1; split <= 16; split++) {
            EmbeddedChannel ch = channel();
            ch.writeInbound(Unpooled.wrappedBuffer(xz, 0, split));
            ch.writeInbound(Unpooled.wrappedBuffer(xz, split, xz.length - split));
            ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
            DumpRecord r = null;
            for (int i = 0; i < 1000 && r == null; i++) { // a bare sender reads nothing: watch the catalog
                ch.runPendingTasks();
                r = ingest.catalog.list(d -> d.state().wire().equals("complete") && !seen.contains(d.id())).stream()
                        .findFirst().orElse(null);
                if (r == null) {
                    Thread.sleep(5);
                }
            }
            assertNotNull(r, "split at " + split + ": no complete dump within 5 s");
            seen.add(r.id());
            assertArrayEquals(flat.expected(), Files.readAllBytes(r.fileFor("vmcore")), "split at " + split);
            assertEquals("XZ", r.snapshot().files.get("vmcore").unwrappedFrom);
        }
    }

    @Test
    void aResumeAtAnOffsetTheServerNeverGaveIsRefusedWithTheRightOne() throws Exception {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.copiedBuffer("VMCORED/1 PUT host=web1 dump=d3 offset=4096\n", StandardCharsets.US_ASCII));
        String reply = reply(ch);
        assertTrue(reply.startsWith("REFUSED reason=bad_offset offset=0 message=cannot resume at 4096"), reply);
        assertEquals(1.0, ingest.refused("bad_request"), "counted once");
    }

    @Test
    void aMalformedRequestLineIsRefusedAndCounted() throws Exception {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.copiedBuffer("VMCORED/1 FETCH host=web1 dump=x\n", StandardCharsets.US_ASCII));
        assertEquals("REFUSED reason=bad_request message=verb \"FETCH\": expected HELLO, PUT or END\n", reply(ch));
        assertEquals(1.0, ingest.refused("bad_request"));
    }

    @Test
    void withHostTokensAWrongTokenIsRefusedAtEverySplit() throws Exception {
        ingest.close();
        ServerConfig c = new ServerConfig();
        c.minFreeBytes = 0;
        c.set("auth.host-token.web1", "s3cret");
        ingest = new TestIngest(tmp.resolve("tokens"), c);
        byte[] line = "VMCORED/1 HELLO host=web1 dump=d1 token=wrong\n".getBytes(StandardCharsets.US_ASCII);
        for (int split = 1; split < line.length; split += 7) {
            EmbeddedChannel ch = channel();
            ch.writeInbound(Unpooled.wrappedBuffer(line, 0, split));
            ch.writeInbound(Unpooled.wrappedBuffer(line, split, line.length - split));
            assertEquals("REFUSED reason=unauthorized message=token not valid for host web1\n", reply(ch),
                    "split at " + split);
        }
        EmbeddedChannel ok = channel();
        ok.writeInbound(Unpooled.copiedBuffer("VMCORED/1 HELLO host=web1 dump=d1 token=s3cret\n",
                StandardCharsets.US_ASCII));
        assertTrue(reply(ok).startsWith("OK "), "the host's own token is accepted");
    }

    private EmbeddedChannel channel() {
        return new EmbeddedChannel(new PreambleDecoder(ingest.service, Duration.ofSeconds(20)));
    }

    /** Runs the channel's tasks until the reply line was written (the service answers from a file thread). */
    private static String reply(EmbeddedChannel ch) throws InterruptedException {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 1000 && out.indexOf("\n") < 0; i++) {
            ch.runPendingTasks();
            ByteBuf b;
            while ((b = ch.readOutbound()) != null) {
                out.append(b.toString(StandardCharsets.US_ASCII));
                b.release();
            }
            if (out.indexOf("\n") < 0) {
                Thread.sleep(5);
            }
        }
        assertNotNull(out.indexOf("\n") >= 0 ? out : null, "no reply line within 5 s; got \"" + out + "\"");
        return out.toString();
    }
}
