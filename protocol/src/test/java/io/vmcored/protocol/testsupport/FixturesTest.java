package io.vmcored.protocol.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The contract other tests rely on: what make-fixtures.sh leaves in the cache. */
class FixturesTest {

    @Test
    void everyStreamHasItsOracleAndKernelLog() throws IOException {
        assertEquals(List.of("elf-d0", "elf-d31", "kdump-lzo-d1", "kdump-lzo-d31",
                "kdump-none-d31", "kdump-zlib-d0", "kdump-zlib-d31"), Fixtures.names());
        for (String name : Fixtures.names()) {
            try (InputStream in = Files.newInputStream(Fixtures.stream(name))) {
                String signature = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
                assertEquals("makedumpfile", signature, name + ".flat signature");
            }
            assertTrue(Files.size(Fixtures.oracle(name)) > 0, name + ".dump is empty");
            assertTrue(Files.readString(Fixtures.dmesg(name))
                    .contains("Kernel panic - not syncing: sysrq triggered crash"), name + ".dmesg");
        }
    }

    @Test
    void vmcoreHasProgramHeadersRightAfterTheElfHeader() throws IOException {
        ByteBuffer ehdr = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        try (InputStream in = Files.newInputStream(Fixtures.vmcore())) {
            ehdr.put(in.readNBytes(64)).flip();
        }
        assertEquals(0x464c457f, ehdr.getInt(0), "ELF magic");
        assertEquals(4, ehdr.getShort(16), "e_type ET_CORE");
        assertEquals(64, ehdr.getLong(32), "e_phoff");
        assertEquals(0, ehdr.getShort(60), "e_shnum");
    }
}
