package io.vmcored.protocol.dump;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlattenedDumpSourceTest {

    @TempDir
    Path dir;

    /** Builds a flattened stream from (offset, payload) records, with or without end marker. */
    static byte[] stream(boolean end, Object... records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] head = new byte[4096];
        System.arraycopy("makedumpfile".getBytes(StandardCharsets.US_ASCII), 0, head, 0, 12);
        ByteBuffer.wrap(head).putLong(16, 1).putLong(24, 1);
        out.writeBytes(head);
        for (int i = 0; i < records.length; i += 2) {
            byte[] p = (byte[]) records[i + 1];
            out.writeBytes(ByteBuffer.allocate(16).putLong((Long) records[i]).putLong(p.length).array());
            out.writeBytes(p);
        }
        if (end) {
            out.writeBytes(ByteBuffer.allocate(16).putLong(-1).putLong(-1).array());
        }
        return out.toByteArray();
    }

    private FlattenedDumpSource open(byte[] bytes) throws IOException {
        Path f = dir.resolve("s.flat");
        Files.write(f, bytes);
        return FlattenedDumpSource.open(f);
    }

    private static byte[] fill(int n, int v) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) v);
        return b;
    }

    @Test
    void lastRecordCoveringAByteWinsAndHolesReadAsZero() throws IOException {
        try (FlattenedDumpSource s = open(stream(true, 100L, fill(50, 1), 120L, fill(10, 2), 90L, fill(15, 3),
                200L, fill(4, 4)))) {
            assertTrue(s.ended(), "end marker seen");
            assertEquals(204, s.size(), "size = max(offset + size)");
            byte[] all = s.readExactly(0, 204, "all").array();
            byte[] expected = new byte[204];
            Arrays.fill(expected, 100, 150, (byte) 1);
            Arrays.fill(expected, 120, 130, (byte) 2);
            Arrays.fill(expected, 90, 105, (byte) 3);
            Arrays.fill(expected, 200, 204, (byte) 4);
            assertArrayEquals(expected, all, "rearranged view");
        }
    }

    @Test
    void matchesARearrangementAtRandomOverlaps() throws IOException {
        Random r = new Random(42);
        byte[] expected = new byte[5000];
        Object[] records = new Object[400];
        for (int i = 0; i < records.length; i += 2) {
            int off = r.nextInt(4900);
            byte[] p = new byte[1 + r.nextInt(100)];
            r.nextBytes(p);
            records[i] = (long) off;
            records[i + 1] = p;
            System.arraycopy(p, 0, expected, off, p.length);
        }
        try (FlattenedDumpSource s = open(stream(true, records))) {
            byte[] all = s.readExactly(0, (int) s.size(), "all").array();
            byte[] want = Arrays.copyOf(expected, (int) s.size());
            assertArrayEquals(want, all, "view equals sequential positional writes");
        }
    }

    @Test
    void streamCutInsideAPayloadKeepsWhatArrived() throws IOException {
        byte[] full = stream(false, 0L, fill(100, 7));
        byte[] cut = Arrays.copyOf(full, full.length - 40);
        try (FlattenedDumpSource s = open(cut)) {
            assertFalse(s.ended(), "no end marker");
            assertEquals(60, s.size(), "only the bytes that arrived");
            assertEquals(1, s.problems().size(), "problem reported: " + s.problems());
            assertTrue(s.problems().get(0).contains("60 of 100"), s.problems().get(0));
        }
    }

    @Test
    void rejectsWrongSignatureAndBadRecordHeader() {
        byte[] bad = stream(true);
        bad[0] = 'X';
        DumpFormatException e = assertThrows(DumpFormatException.class, () -> open(bad));
        assertTrue(e.getMessage().contains("signature"), e.getMessage());
        byte[] neg = stream(true, 0L, fill(8, 1));
        ByteBuffer.wrap(neg).putLong(4096, -5);
        e = assertThrows(DumpFormatException.class, () -> open(neg));
        assertTrue(e.getMessage().contains("offset -5"), e.getMessage());
    }
}
