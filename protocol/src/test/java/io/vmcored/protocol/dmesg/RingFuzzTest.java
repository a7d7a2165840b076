package io.vmcored.protocol.dmesg;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vmcored.protocol.dump.DumpFiles;
import io.vmcored.protocol.dump.DumpSource;
import io.vmcored.protocol.memory.DumpMemory;
import io.vmcored.protocol.testsupport.Fixtures;
import io.vmcored.protocol.vmcoreinfo.VmcoreInfo;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random damage to ring contents (not to the pointers that locate the ring): the readers
 * must return a result every time, with at most one record per descriptor or per
 * header-sized step of the buffer, and never an exception.
 */
class RingFuzzTest {

    private static final int ROUNDS = 1000;
    /** Widest formatted record: prefix, 0xffff bytes printed as "\xffffff80", newline. */
    private static final long WIDEST_RECORD = 32 + 10L * 0xffff;

    @Test
    void damagedLocklessRing() throws IOException {
        Random r = new Random(11);
        for (int round = 0; round < ROUNDS; round++) {
            LocklessRing ring = new LocklessRing(7).ids(4, 7)
                    .record(4, 144, 160, 1, "one").record(5, 160, 176, 2, "two")
                    .record(6, 176, 192, 3, "three").record(7, 240, 256 + 16, 4, "four");
            for (int n = 1 + r.nextInt(4); n > 0; n--) {
                switch (r.nextInt(4)) {
                    case 0 -> ring.rb.putLong(pick(r, new int[] {0, 24, 32, 48}), value(r));
                    case 1 -> ring.descs.putLong(8 * r.nextInt(LocklessRing.COUNT * 3), value(r));
                    case 2 -> ring.infos.putShort(88 * r.nextInt(LocklessRing.COUNT) + 16, (short) r.nextInt());
                    default -> ring.data.put(r.nextInt(ring.dataSize), (byte) r.nextInt());
                }
            }
            check(() -> ring.extract(), LocklessRing.COUNT, round);
        }
    }

    @Test
    void damagedPrintkLogRecords() throws IOException {
        Random r = new Random(12);
        for (int round = 0; round < ROUNDS; round++) {
            PrintkLogRing ring = new PrintkLogRing(128).indexes(64, 48)
                    .record(64, 1, "one").record(88, 2, "two").record(0, 3, "three").record(24, 4, "four");
            for (int n = 1 + r.nextInt(3); n > 0; n--) {
                switch (r.nextInt(3)) {
                    case 0 -> ring.indexes(r.nextBoolean() ? r.nextInt(160) : value(r), r.nextInt(160));
                    case 1 -> ring.log.putShort(r.nextInt(63) * 2, (short) (r.nextBoolean() ? r.nextInt(160) : r.nextInt()));
                    default -> ring.logBufLen(r.nextBoolean() ? r.nextInt(256) : value(r));
                }
            }
            check(() -> ring.extractRecords(), 128 / PrintkLogRing.HEADER, round);
            check(() -> ring.extract(PrintkLogRing.textInfo()), 0, round);
        }
    }

    @Test
    void damagedDescriptorsOfTheRealRing() throws IOException {
        try (DumpSource src = DumpFiles.open(Fixtures.oracle("kdump-lzo-d31"))) {
            DumpMemory dm = DumpMemory.open(src);
            VmcoreInfo info = dm.vmcoreinfo();
            long prb = dm.memory().readLong(info.symbol("prb").getAsLong());
            long descs = dm.memory().readLong(prb + info.offset("printk_ringbuffer.desc_ring").getAsLong()
                    + info.offset("prb_desc_ring.descs").getAsLong());
            int count = 1 << dm.memory().readInt(prb + info.offset("prb_desc_ring.count_bits").getAsLong());
            Random r = new Random(13);
            for (int round = 0; round < 100; round++) {
                CorruptedMemory mem = new CorruptedMemory(dm.memory());
                for (int n = 0; n < 50; n++) {
                    mem.putLong(descs + 8L * r.nextInt(count * 3), value(r));
                }
                check(() -> KernelLog.extract(new DumpMemory(mem, info)), count, round);
            }
        }
    }

    private interface Read {
        KernelLogResult get() throws IOException;
    }

    private static void check(Read read, int maxRecords, int round) {
        KernelLogResult log;
        try {
            log = read.get();
        } catch (Exception e) {
            throw new AssertionError("round " + round + ": the reader threw instead of returning a partial log", e);
        }
        if (maxRecords > 0) {
            assertTrue(log.records() <= maxRecords, "round " + round + ": " + log.records() + " records");
            assertTrue(log.text().length <= maxRecords * WIDEST_RECORD, "round " + round + ": text bounded");
        } else if (log.text().length > 128) {
            fail("round " + round + ": a 128-byte text ring gave " + log.text().length + " bytes");
        }
    }

    private static long value(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> r.nextLong();
            case 1 -> r.nextInt(1024);
            case 2 -> 0x7fffffffL + r.nextInt(3) - 1;
            default -> -1L - r.nextInt(64);
        };
    }

    private static int pick(Random r, int[] options) {
        return options[r.nextInt(options.length)];
    }
}
