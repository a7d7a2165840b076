package io.vmcored.server.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.protocol.flat.DecoderLimits;
import io.vmcored.server.config.ServerConfig;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention by age, count per host and total size; a dump in flight is never deleted. */
class RetentionTest {

    @TempDir
    Path tmp;

    @Test
    void ageCountAndTotalButNeverInFlight() throws Exception {
        DumpCatalog cat = DumpCatalog.open(tmp, DecoderLimits.DEFAULT);
        DumpRecord old = dump(cat, "a", 1000, Instant.now().minus(Duration.ofDays(30)));
        DumpRecord a1 = dump(cat, "a", 1000, Instant.now().minus(Duration.ofHours(3)));
        DumpRecord a2 = dump(cat, "a", 1000, Instant.now().minus(Duration.ofHours(2)));
        DumpRecord a3 = dump(cat, "a", 1000, Instant.now().minus(Duration.ofHours(1)));
        DumpRecord b1 = dump(cat, "b", 5000, Instant.now().minus(Duration.ofHours(5)));
        FileUpload inFlight = cat.create("b", Transport.TCP, null).upload("vmcore", Transport.TCP);
        inFlight.feed(ByteBuffer.wrap("partial".getBytes(StandardCharsets.US_ASCII)));

        ServerConfig c = new ServerConfig();
        c.retentionMaxAge = Duration.ofDays(7);
        c.retentionMaxPerHost = 2;
        List<String> deleted = new Retention(cat, () -> c).sweep();
        assertEquals(List.of(old.id(), a1.id()).stream().sorted().toList(), deleted.stream().sorted().toList(),
                "age removes the 30-day-old dump, count keeps the newest 2 of host a");
        assertFalse(Files.exists(old.directory()), "deleted directory is gone");

        c.retentionMaxTotalBytes = 2500;
        deleted = new Retention(cat, () -> c).sweep();
        assertEquals(List.of(b1.id()), deleted, "oldest first until at most 2500 bytes remain (a2 + a3 = 2000)");
        c.retentionMaxTotalBytes = 1500;
        deleted = new Retention(cat, () -> c).sweep();
        assertEquals(List.of(a2.id()), deleted, "then a2, to get under 1500");
        assertTrue(Files.exists(a3.directory()), "newest dump kept");
        assertTrue(Files.exists(inFlight.record().directory()), "dump in flight never deleted");
        inFlight.finish();
    }

    private static DumpRecord dump(DumpCatalog cat, String host, int size, Instant created) throws Exception {
        DumpRecord r = cat.create(host, Transport.TCP, null);
        r.setDumpFile("vmcore");
        FileUpload up = r.upload("vmcore", Transport.TCP);
        up.feed(ByteBuffer.wrap(new byte[size]));
        up.finish();
        r.complete();
        r.update(m -> m.created = created.toString());
        return r;
    }
}
