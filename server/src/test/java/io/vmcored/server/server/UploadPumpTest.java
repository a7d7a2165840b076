package io.vmcored.server.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vmcored.server.catalog.DumpRecord;
import io.vmcored.server.catalog.FileUpload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backpressure: a lagging disk switches reading off past the connection budget and back on once drained. */
class UploadPumpTest {

    @TempDir
    Path tmp;

    @Test
    void readingPausesWhileTheDiskLagsAndResumesAfter() throws Exception {
        try (TestServer s = TestServer.start(tmp)) {
            EmbeddedChannel ch = new EmbeddedChannel();
            CountDownLatch diskStalled = new CountDownLatch(1);
            List<Throwable> failures = new ArrayList<>();
            UploadPump pump = new UploadPump(s.ctx(), ch, failures::add);
            DumpRecord rec = s.ctx().catalog().create("bp", "test", null);
            pump.open(() -> {
                FileUpload up = rec.upload("vmcore", "test");
                try {
                    diskStalled.await(30, TimeUnit.SECONDS); // the disk "hangs" until the test lets it go
                } catch (InterruptedException e) {
                    throw new java.io.IOException(e);
                }
                return up;
            });
            int budget = s.config.connectionBufferBytes;
            List<ByteBuf> sent = new ArrayList<>();
            for (int i = 0; i <= budget / 65536; i++) {
                ByteBuf b = Unpooled.wrappedBuffer(new byte[65536]);
                sent.add(b);
                pump.offer(b);
            }
            assertFalse(ch.config().isAutoRead(), "reading must stop once more than the budget waits for the disk");
            diskStalled.countDown();
            pump.end(null, (up, o, f) -> o).get(30, TimeUnit.SECONDS);
            for (int i = 0; i < 100 && !ch.config().isAutoRead(); i++) {
                ch.runPendingTasks();
                Thread.sleep(10);
            }
            assertTrue(ch.config().isAutoRead(), "reading resumes after the queue drained");
            assertEquals((long) sent.size() * 65536, Files.size(rec.fileFor("vmcore")), "every queued byte written");
            assertTrue(sent.stream().allMatch(b -> b.refCnt() == 0), "every buffer released");
            assertTrue(failures.isEmpty(), "no failure: " + failures);
        }
    }
}
