package io.vmcored.protocol.vmcoreinfo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class VmcoreInfoTest {

    private static final String TEXT = "OSRELEASE=6.1.0-28-amd64\nBUILD-ID=abc123\nPAGESIZE=4096\n"
            + "SYMBOL(prb)=ffffffff8a6b2d40\nSIZE(printk_info)=88\nOFFSET(prb_desc.state_var)=0\n"
            + "LENGTH(free_area)=11\nNUMBER(phys_base)=-1073741824\nKERNELOFFSET=9000000\nCRASHTIME=1700000000\n"
            + "garbage line\n";

    @Test
    void typedAccessorsReadEachKindOfValue() {
        VmcoreInfo v = VmcoreInfo.parse((TEXT + "\0\0\0").getBytes(StandardCharsets.US_ASCII));
        assertEquals("6.1.0-28-amd64", v.osRelease());
        assertEquals("abc123", v.buildId());
        assertEquals(4096, v.pageSize().getAsLong());
        assertEquals(0xffffffff8a6b2d40L, v.symbol("prb").getAsLong(), "hex symbol above 2^63");
        assertEquals(88, v.size("printk_info").getAsLong());
        assertEquals(0, v.offset("prb_desc.state_var").getAsLong());
        assertEquals(11, v.length("free_area").getAsLong());
        assertEquals(-1073741824L, v.number("phys_base").getAsLong(), "negative NUMBER");
        assertEquals(0x9000000L, v.kernelOffset().getAsLong(), "KERNELOFFSET is hex");
        assertEquals(Instant.ofEpochSecond(1700000000L), v.crashTime());
        assertEquals(10, v.entries().size(), "malformed line skipped");
        assertFalse(v.symbol("missing").isPresent());
    }

    @Test
    void crashTimeNoInstantHoldsReadsAsAbsent() {
        assertNull(VmcoreInfo.parse("CRASHTIME=9223372036854775807\n").crashTime());
        assertNull(VmcoreInfo.parse("CRASHTIME=-31557014167219201\n").crashTime());
        assertNull(VmcoreInfo.parse("CRASHTIME=-9223372036854775808\n").crashTime());
    }
}
