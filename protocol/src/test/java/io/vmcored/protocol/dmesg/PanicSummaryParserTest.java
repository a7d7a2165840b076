package io.vmcored.protocol.dmesg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.protocol.testsupport.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PanicSummaryParserTest {

    /** A NULL-pointer oops as 6.x prints it (addresses, pid and CPU differ from boot to boot). */
    private static String oops(String address, int pid, int cpu, String ts) {
        return "[    0.000000] Linux version 6.1.0\n"
                + "[" + ts + "] BUG: kernel NULL pointer dereference, address: " + address + "\n"
                + "[" + ts + "] #PF: supervisor read access in kernel mode\n"
                + "[" + ts + "] Oops: 0000 [#1] PREEMPT SMP NOPTI\n"
                + "[" + ts + "] CPU: " + cpu + " PID: " + pid + " Comm: insmod Tainted: G           OE      6.1.0 #1\n"
                + "[" + ts + "] RIP: 0010:crashme_init+0x11/0x1000 [crashme]\n"
                + "[" + ts + "] Code: Unable to access opcode bytes at 0xffffffffc0a01fe7.\n"
                + "[" + ts + "] Call Trace:\n"
                + "[" + ts + "]  <TASK>\n"
                + "[" + ts + "]  ? __die+0x23/0x70\n"
                + "[" + ts + "]  ? page_fault_oops+0x171/0x4e0\n"
                + "[" + ts + "]  ? exc_page_fault+0x7f/0x180\n"
                + "[" + ts + "]  ? asm_exc_page_fault+0x26/0x30\n"
                + "[" + ts + "]  ? crashme_init+0x11/0x1000 [crashme]\n"
                + "[" + ts + "]  do_one_initcall+0x5a/0x220\n"
                + "[" + ts + "]  do_init_module+0x4a/0x200\n"
                + "[" + ts + "]  __do_sys_finit_module.isra.0+0xa1/0x100\n"
                + "[" + ts + "]  do_syscall_64+0x5d/0xb0\n"
                + "[" + ts + "]  entry_SYSCALL_64_after_hwframe+0x6e/0xd8\n"
                + "[" + ts + "]  extra_frame+0x1/0x2\n"
                + "[" + ts + "]  </TASK>\n"
                + "[" + ts + "] Kernel panic - not syncing: Fatal exception\n";
    }

    @Test
    void oopsSummaryUsesTheBugLineKernelRipAndReliableFrames() {
        PanicSummary s = PanicSummaryParser.parse(oops("0000000000000000", 812, 1, "   42.123456"));
        assertEquals("BUG: kernel NULL pointer dereference, address: 0000000000000000", s.trigger());
        assertEquals("Kernel panic - not syncing: Fatal exception", s.panicLine());
        assertEquals("crashme_init+0x11/0x1000", s.rip());
        assertEquals("crashme_init", s.faultingFunction());
        assertEquals(List.of("do_one_initcall", "do_init_module", "__do_sys_finit_module", "do_syscall_64",
                "entry_SYSCALL_64_after_hwframe"), s.topFrames());
        assertEquals("42.123456", s.uptime());
        assertEquals(16, s.signature().length());
    }

    @Test
    void signatureIgnoresAddressesPidsCpusAndTimes() {
        String a = PanicSummaryParser.parse(oops("0000000000000000", 812, 1, "   42.123456")).signature();
        String b = PanicSummaryParser.parse(oops("0000000000000008", 4711, 3, " 9999.000001")).signature();
        assertEquals(a, b, "same bug, other boot");
        String other = PanicSummaryParser.parse(oops("0", 1, 1, "1.0").replace("do_init_module", "load_module"))
                .signature();
        assertNotEquals(a, other, "another call path is another signature");
    }

    @Test
    void realSysrqCrashFromTheFixture() throws IOException {
        String log = Files.readString(Fixtures.dmesg("kdump-zlib-d31"));
        PanicSummary s = PanicSummaryParser.parse(log);
        assertEquals("Kernel panic - not syncing: sysrq triggered crash", s.trigger());
        assertEquals(s.trigger(), s.panicLine());
        assertNull(s.rip(), "the register dump shows a user-mode RIP (0033) only");
        assertEquals("sysrq_handle_crash", s.faultingFunction());
        assertEquals(List.of("sysrq_handle_crash", "__handle_sysrq", "write_sysrq_trigger", "proc_reg_write",
                "vfs_write"), s.topFrames());
        // the uptime differs with every crash the fixture script makes: take it from makedumpfile's panic line
        Matcher panic = Pattern
                .compile("(?m)^\\[\\s*([0-9]+\\.[0-9]{6})\\] Kernel panic - not syncing").matcher(log);
        assertTrue(panic.find(), "makedumpfile's log has the panic line");
        assertEquals(panic.group(1), s.uptime(), "uptime at crash = timestamp of the panic line");
    }

    @Test
    void aLogWithoutACrashHasNoSummary() {
        assertNull(PanicSummaryParser.parse("[    0.000000] Linux version 6.1.0\n[    1.000000] all fine\n"));
    }
}
