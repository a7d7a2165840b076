package io.vmcored.protocol.dmesg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vmcored.protocol.dump.RealTool;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The pre-5.10 readers against the real {@code makedumpfile --dump-dmesg}: no pre-5.10 kernel
 * can be had from the reachable package mirror (see docs/fixtures.md), so the vmcore is
 * synthetic ({@link SyntheticVmcore}) and its ring is filled by the kernel's own record
 * placement ({@link PrintkLogStore}): wrapped many times, text of every byte value,
 * dictionaries, in the kernel image or (log_buf_len= on the command line) in the direct map.
 */
class OldKernelLogOracleTest {

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0} records, log_buf_len {1}, {2}, type {3}")
    @CsvSource({
        "3, 4096, image, printk_log",       // never wrapped
        "400, 16384, image, printk_log",     // wrapped several times
        "3000, 131072, ram, printk_log",     // log_buf_len= boot option: memblock, direct map
        "500, 8192, image, log",             // 3.5 .. 3.10 call the structure "log"
    })
    void printkLogRecords(int records, int len, String where, String type) throws Exception {
        SyntheticVmcore core = new SyntheticVmcore(type.equals("log") ? "3.10.0-1-amd64" : "4.19.0-27-amd64");
        boolean inRam = where.equals("ram");
        int at = 0x40000;
        long logBuf = (inRam ? SyntheticVmcore.PAGE_OFFSET : SyntheticVmcore.IMAGE) + at;
        PrintkLogStore store = new PrintkLogStore(inRam ? core.ram : core.image, at, len);
        Random r = new Random(records * 31L + len);
        long ts = 0;
        for (int i = 0; i < records; i++) {
            ts += r.nextInt(5_000_000) * (long) r.nextInt(200);
            store.store(ts, text(r), r.nextInt(4) == 0 ? ("SUBSYSTEM=pci\0DEVICE=+pci:0000:00:0" + i % 10).getBytes(
                    StandardCharsets.US_ASCII) : new byte[0]);
        }
        core.image.putLong(0x4000, logBuf).putInt(0x4010, len)
                .putInt(0x4020, (int) store.firstIdx()).putInt(0x4030, (int) store.nextIdx());
        core.symbol("log_buf", SyntheticVmcore.IMAGE + 0x4000).symbol("log_buf_len", SyntheticVmcore.IMAGE + 0x4010)
                .symbol("log_first_idx", SyntheticVmcore.IMAGE + 0x4020)
                .symbol("log_next_idx", SyntheticVmcore.IMAGE + 0x4030)
                .line("SIZE(" + type + ")=16").line("OFFSET(" + type + ".ts_nsec)=0").line("OFFSET(" + type + ".len)=8")
                .line("OFFSET(" + type + ".text_len)=10").line("OFFSET(" + type + ".dict_len)=12");
        KernelLogResult log = compare(core);
        assertEquals("printk_log", log.format());
        assertEquals(List.of(), log.problems());
    }

    @ParameterizedTest(name = "log_end {0}")
    @CsvSource({"1000", "16385", "1234567"})
    void logBufTextBefore35(long logEnd) throws Exception {
        KernelLogResult log = compare(logBufCore(logEnd));
        assertEquals("log_buf", log.format());
        assertEquals(Math.min(logEnd, 16384), log.text().length);
    }

    @Test
    void logEndAtALapBoundaryIsTheWholeRing() throws Exception {
        // makedumpfile 1.7.2 fails here ("Can't read new dmesg log": it asks readmem for 0 bytes)
        SyntheticVmcore core = logBufCore(16384 * 3);
        byte[] ring = new byte[16384];
        core.image.get(0x40000, ring);
        KernelLogResult log = KernelLog.extract(core.write(tmp.resolve("vmcore")));
        assertEquals(new String(ring, StandardCharsets.ISO_8859_1), log.asString(), "log_buf[0, len): the oldest byte is at 0");
        assertEquals(List.of(), log.problems());
    }

    /** A 3.2 kernel whose 16 KiB log_buf holds random lines, {@code logEnd} characters written. */
    private static SyntheticVmcore logBufCore(long logEnd) {
        SyntheticVmcore core = new SyntheticVmcore("3.2.0-4-amd64");
        Random r = new Random(logEnd);
        for (int i = 0; i < 16384; i++) {
            core.image.put(0x40000 + i, (byte) (r.nextInt(10) == 0 ? '\n' : 0x20 + r.nextInt(95)));
        }
        core.image.putLong(0x4000, SyntheticVmcore.IMAGE + 0x40000).putInt(0x4010, 16384).putInt(0x4040, (int) logEnd);
        core.symbol("log_buf", SyntheticVmcore.IMAGE + 0x4000).symbol("log_buf_len", SyntheticVmcore.IMAGE + 0x4010)
                .symbol("log_end", SyntheticVmcore.IMAGE + 0x4040);
        return core;
    }

    /** The log read by KernelLog, after checking it equals makedumpfile's byte for byte. */
    private KernelLogResult compare(SyntheticVmcore core) throws Exception {
        Path vmcore = core.write(tmp.resolve("vmcore"));
        Path expected = tmp.resolve("makedumpfile.dmesg");
        RealTool.run("makedumpfile", "--dump-dmesg", vmcore.toString(), expected.toString());
        KernelLogResult log = KernelLog.extract(vmcore);
        assertEquals(Files.readString(expected, StandardCharsets.ISO_8859_1), log.asString(),
                "identical to makedumpfile --dump-dmesg");
        return log;
    }

    /** Mostly printable text, with newlines, tabs, control bytes and bytes >= 0x80; sometimes empty or long. */
    private static byte[] text(Random r) {
        int n = switch (r.nextInt(20)) {
            case 0 -> 0;
            case 1 -> 200 + r.nextInt(800);
            default -> 1 + r.nextInt(120);
        };
        byte[] t = new byte[n];
        for (int i = 0; i < n; i++) {
            int k = r.nextInt(40);
            t[i] = (byte) (k == 0 ? '\n' : k == 1 ? '\t' : k == 2 ? r.nextInt(256) : 0x20 + r.nextInt(95));
        }
        return t;
    }
}
