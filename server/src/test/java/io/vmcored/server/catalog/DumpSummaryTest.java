package io.vmcored.server.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A manifest's summary: the fields listings need, the API's JSON keys, bad times tolerated. */
class DumpSummaryTest {

    private static Manifest manifest() {
        Manifest m = new Manifest();
        m.id = "web1@2026-11-23-10:00:01";
        m.host = "web1";
        m.clientId = "boot-7";
        m.transport = "tcp-handshake";
        m.state = DumpState.COMPLETE;
        m.created = "2026-11-23T10:00:01.250Z";
        m.finished = "2026-11-23T10:00:09Z";
        m.dumpFile = "vmcore";
        Manifest.FileEntry dump = new Manifest.FileEntry();
        dump.fileSize = 5000;
        Manifest.FileEntry log = new Manifest.FileEntry();
        log.fileSize = 300;
        m.files.put("vmcore", dump);
        m.files.put("vmcore-dmesg.txt", log);
        m.inspect = Map.of("format", "kdump-compressed", "kernel", "6.1.0-56-amd64", "crashTime", "2026-11-23T09:59:58Z");
        m.analysis = Map.of("signature", "42f2dab38b2a4ef8", "trigger", "sysrq: Trigger a crash",
                "panicLine", "Kernel panic - not syncing: sysrq triggered crash", "kernelRelease", "6.1.0-56-amd64");
        return m;
    }

    @Test
    void summaryOfAManifest() {
        DumpSummary s = DumpSummary.of(manifest());
        assertEquals("web1@2026-11-23-10:00:01", s.id(), "id");
        assertEquals("boot-7", s.clientId(), "client id");
        assertEquals("tcp", s.transport(), "older manifests' tcp-handshake is the tcp transport");
        assertEquals(Instant.parse("2026-11-23T10:00:01.250Z"), s.created(), "created");
        assertEquals(5000, s.size(), "size of the dump file");
        assertEquals(5300, s.totalBytes(), "bytes of every file");
        assertEquals("6.1.0-56-amd64", s.kernel(), "kernel");
        assertEquals("Kernel panic - not syncing: sysrq triggered crash", s.panic(), "panic line first");
    }

    @Test
    void jsonKeepsTheListingsKeysTimesAsIsoAndTheStatesWireName() throws Exception {
        JsonNode j = ManifestIo.json().valueToTree(DumpSummary.of(manifest()));
        List<String> keys = new ArrayList<>();
        j.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("id", "host", "state", "transport", "created", "finished", "dumpFile", "size", "kernel",
                "crashTime", "format", "signature", "panic", "problem"), keys, "keys of a listed dump");
        assertEquals("complete", j.get("state").asText(), "state");
        assertEquals("2026-11-23T10:00:01.250Z", j.get("created").asText(), "created");
        assertEquals("2026-11-23T10:00:09Z", j.get("finished").asText(), "finished");
        assertEquals(5000, j.get("size").asLong(), "size");
        assertEquals("2026-11-23T09:59:58Z", j.get("crashTime").asText(), "crash time");
        assertEquals("42f2dab38b2a4ef8", j.get("signature").asText(), "signature");
        assertEquals(true, j.get("problem").isNull(), "no problem: null");
    }

    @Test
    void badTimesAndMissingPartsDoNotThrow() {
        Manifest m = manifest();
        m.created = "yesterday";
        m.finished = "2026-13-45";
        m.dumpFile = null;
        m.inspect = null;
        m.analysis = Map.of("trigger", "BUG: kernel NULL pointer dereference", "kernelRelease", "6.1.0-9-amd64");
        DumpSummary s = DumpSummary.of(m);
        assertEquals(Instant.EPOCH, s.created(), "unparseable created");
        assertNull(s.finished(), "unparseable finished");
        assertEquals(0, s.size(), "no dump file");
        assertEquals("6.1.0-9-amd64", s.kernel(), "kernel from the analysis when the header gave none");
        assertEquals("BUG: kernel NULL pointer dereference", s.panic(), "trigger without a panic line");
        m.created = null;
        assertEquals(Instant.EPOCH, DumpSummary.of(m).created(), "no created");
    }
}
