package io.vmcored.protocol.fuzz;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vmcored.protocol.dump.ByteArrayDumpSource;
import io.vmcored.protocol.dump.DumpFormatException;
import io.vmcored.protocol.dump.DumpInfo;
import io.vmcored.protocol.dump.DumpInspector;
import io.vmcored.protocol.dump.DumpSource;
import io.vmcored.protocol.flat.FlattenedFormatException;

/**
 * Arbitrary bytes as a dump file (kdump, ELF, or either flattened) through
 * {@link DumpInspector#inspect(DumpSource)}: a result or a format exception, never anything
 * else, and never a format exception that only wraps an unchecked one (a bug behind the
 * inspector's safety net).
 */
class DumpInspectorFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void inspect(byte[] dump) throws Exception {
        DumpInfo info;
        try {
            info = DumpInspector.inspect(new ByteArrayDumpSource(dump));
        } catch (DumpFormatException | FlattenedFormatException e) {
            Fuzzing.requireNoUncheckedCause(e);
            return;
        }
        assertNotNull(info);
        assertNotNull(info.toString());
    }
}
