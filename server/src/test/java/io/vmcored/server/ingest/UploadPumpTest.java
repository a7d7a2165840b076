package io.vmcored.server.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vmcored.server.catalog.DumpRecord;
import io.vmcored.server.catalog.FileUpload;
import io.vmcored.server.catalog.Transport;
import io.vmcored.server.config.ServerConfig;
import io.vmcored.server.daemon.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backpressure: a lagging disk switches reading off past the connection's share of the budget, and back on once drained. */
class UploadPumpTest {

    @TempDir
    Path tmp;

    /** Alone, a connection may queue up to limits.connection-buffer-max before it stops reading. */
    @Test
    void readingPausesWhileTheDiskLagsAndResumesAfter() throws Exception {
        try (TestServer s = TestServer.start(tmp)) {
            assertPausesAfter(s, s.config.connectionBufferMaxBytes, "bp");
        }
    }

    /** Once all connections together hold limits.ingest-buffer, each falls back to limits.connection-buffer. */
    @Test
    void aSpentSharedBudgetShrinksEachConnectionsShare() throws Exception {
        ServerConfig c = TestServer.config(tmp);
        c.ingestBufferBytes = 0;
        try (TestServer s = TestServer.start(c)) {
            assertPausesAfter(s, s.config.connectionBufferBytes, "small");
        }
    }

    /** A saturated file executor fails the upload at once and leaves nothing counted against the shared budget. */
    @Test
    void aRefusedWriteFailsTheUploadAndReleasesItsBytes() throws Exception {
        ServerConfig c = TestServer.config(tmp);
        c.fileThreads = 1;
        c.fileQueue = 16;
        try (TestServer s = TestServer.start(c)) {
            CountDownLatch stalled = new CountDownLatch(1);
            List<UploadPump> busy = new ArrayList<>();
            for (int i = 0; i < 1 + 16; i++) { // one running on the only file thread, sixteen filling its queue
                UploadPump p = new UploadPump(s.ctx().ingest(), new EmbeddedChannel(), t -> { });
                p.open(() -> {
                    try {
                        stalled.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        throw new IOException(e);
                    }
                    throw new IOException("test upload not opened");
                });
                busy.add(p);
            }
            List<Throwable> failures = new ArrayList<>();
            EmbeddedChannel ch = new EmbeddedChannel();
            UploadPump pump = new UploadPump(s.ctx().ingest(), ch, failures::add);
            ByteBuf b = Unpooled.wrappedBuffer(new byte[65536]);
            pump.offer(b);
            ch.runPendingTasks();
            assertEquals(0, b.refCnt(), "the refused buffer is released");
            assertEquals(0, s.ctx().budget().queued(), "a refused write leaves nothing counted as queued");
            assertEquals(1, failures.size(), "the upload failed: " + failures);
            assertTrue(UploadPump.message(failures.get(0)).contains("saturated"), UploadPump.message(failures.get(0)));
            stalled.countDown();
        }
    }

    /** Offers 64 KiB buffers to a pump whose disk hangs: reading must stop right after {@code limit} bytes. */
    private static void assertPausesAfter(TestServer s, long limit, String host) throws Exception {
        EmbeddedChannel ch = new EmbeddedChannel();
        CountDownLatch diskStalled = new CountDownLatch(1);
        List<Throwable> failures = new ArrayList<>();
        UploadPump pump = new UploadPump(s.ctx().ingest(), ch, failures::add);
        DumpRecord rec = s.ctx().catalog().create(host, Transport.TCP, null);
        pump.open(() -> {
            FileUpload up = rec.upload("vmcore", Transport.TCP);
            try {
                diskStalled.await(30, TimeUnit.SECONDS); // the disk "hangs" until the test lets it go
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            return up;
        });
        List<ByteBuf> sent = new ArrayList<>();
        for (long queued = 0; queued < limit; queued += 65536) {
            ByteBuf b = Unpooled.wrappedBuffer(new byte[65536]);
            sent.add(b);
            pump.offer(b);
            assertTrue(ch.config().isAutoRead(), "still reading with " + (queued + 65536) + " of " + limit + " bytes queued");
        }
        ByteBuf over = Unpooled.wrappedBuffer(new byte[65536]);
        sent.add(over);
        pump.offer(over);
        assertFalse(ch.config().isAutoRead(), "reading must stop once more than " + limit + " bytes wait for the disk");
        assertEquals((long) sent.size() * 65536, s.ctx().budget().queued(), "the shared budget counts every queued byte");
        diskStalled.countDown();
        for (int i = 0; i < 1000 && !ch.config().isAutoRead(); i++) {
            ch.runPendingTasks();
            Thread.sleep(10);
        }
        assertTrue(ch.config().isAutoRead(), "reading resumes once the queue drained");
        pump.end(null).get(30, TimeUnit.SECONDS);
        assertEquals(0, s.ctx().budget().queued(), "nothing counted as queued after the drain");
        assertEquals((long) sent.size() * 65536, Files.size(rec.fileFor("vmcore")), "every queued byte written");
        assertTrue(sent.stream().allMatch(b -> b.refCnt() == 0), "every buffer released");
        assertTrue(failures.isEmpty(), "no failure: " + failures);
    }
}
