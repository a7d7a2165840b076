package io.vmcored.server.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vmcored.server.catalog.DumpRules.Ending;
import io.vmcored.server.catalog.Manifest.FileEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The state rules, one table per rule: manifests in, decisions out, no network and no disk. */
class DumpRulesTest {

    private static final String C = "complete";
    private static final String I = "incomplete";
    private static final String R = "receiving";

    /** dump file, steer mode, files "name=state[:problem]" -> final state, problem. */
    static Stream<Arguments> atEnd() {
        return Stream.of(
                Arguments.of("vmcore", null, new String[] {"vmcore=complete"}, C, null),
                Arguments.of("vmcore", null, new String[] {"vmcore=incomplete:cut at 42", "dmesg=complete"}, I, "cut at 42"),
                Arguments.of("vmcore", null, new String[] {"vmcore=incomplete"}, I, "dump file incomplete"),
                Arguments.of(null, null, new String[] {"dmesg=complete"}, I, "no dump file was received"),
                Arguments.of(null, null, new String[] {}, I, "no dump file was received"),
                Arguments.of(null, "dmesg", new String[] {"dmesg=complete"}, C, null),
                Arguments.of(null, "dmesg", new String[] {"dmesg=incomplete"}, I, "no dump file was received"),
                Arguments.of("vmcore", "dmesg", new String[] {"vmcore=incomplete", "dmesg=complete"}, I,
                        "dump file incomplete"));
    }

    @ParameterizedTest(name = "[{index}] dumpFile={0} mode={1} files={2} -> {3}")
    @MethodSource
    void atEnd(String dumpFile, String mode, String[] files, String state, String problem) {
        Ending e = DumpRules.atEnd(manifest(dumpFile, mode, files));
        assertEquals(state, e.state().wire(), "state");
        assertEquals(problem, e.problem(), "problem");
    }

    /** dump file, steer mode, the file that ended -> does it end the dump (TCP, HTTP)? */
    static Stream<Arguments> fileEndsDump() {
        return Stream.of(
                Arguments.of("vmcore", null, "vmcore", true),
                Arguments.of("vmcore", null, "dmesg", false),
                Arguments.of(null, null, "dmesg", false),
                Arguments.of(null, "dmesg", "dmesg", true),
                Arguments.of("vmcore", "dmesg", "dmesg", false));
    }

    @ParameterizedTest(name = "[{index}] dumpFile={0} mode={1} ended={2} -> {3}")
    @MethodSource
    void fileEndsDump(String dumpFile, String mode, String ended, boolean ends) {
        assertEquals(ends, DumpRules.fileEndsDump(manifest(dumpFile, mode, new String[0]), ended));
    }

    /** dump file, file that got its final name (SSH) -> does it end the dump? */
    static Stream<Arguments> namedFileEndsDump() {
        return Stream.of(
                Arguments.of("vmcore", "vmcore", true),
                Arguments.of("vmcore", "vmcore-dmesg.txt", true),
                Arguments.of(null, "vmcore-dmesg.txt", false),
                Arguments.of("vmcore", "vmcore-incomplete", false),
                Arguments.of(null, "dmesg-incomplete", false));
    }

    @ParameterizedTest(name = "[{index}] dumpFile={0} named={1} -> {2}")
    @MethodSource
    void namedFileEndsDump(String dumpFile, String name, boolean ends) {
        assertEquals(ends, DumpRules.namedFileEndsDump(manifest(dumpFile, null, new String[0]), name));
    }

    /** transport, state, seconds since the last change, settle seconds -> quiet long enough? */
    static Stream<Arguments> quietFor() {
        return Stream.of(
                Arguments.of("ssh", R, 61, 60, true),
                Arguments.of("ssh", R, 60, 60, true),
                Arguments.of("ssh", R, 59, 60, false),
                Arguments.of("tcp", R, 600, 60, false),
                Arguments.of("http", R, 600, 60, false),
                Arguments.of("ssh", C, 600, 60, false),
                Arguments.of("ssh", I, 600, 60, false));
    }

    @ParameterizedTest(name = "[{index}] {0} {1} quiet {2}s settle {3}s -> {4}")
    @MethodSource
    void quietFor(String transport, String state, int quietSeconds, int settleSeconds, boolean due) {
        Instant now = Instant.parse("2026-12-01T10:00:00Z");
        Manifest m = manifest(null, null, new String[0]);
        m.transport = transport;
        m.state = DumpState.parse(state);
        m.updated = now.minusSeconds(quietSeconds).toString();
        assertEquals(due, DumpRules.quietFor(m, now, Duration.ofSeconds(settleSeconds)));
    }

    /** dump file, files -> how a quiet SSH dump ends. */
    static Stream<Arguments> whenQuiet() {
        return Stream.of(
                Arguments.of("vmcore", new String[] {"vmcore=complete"}, C, null),
                Arguments.of(null, new String[] {"vmcore-incomplete=complete"}, I,
                        "the client never renamed vmcore-incomplete (no session for 60 s)"),
                Arguments.of("vmcore", new String[] {"vmcore=complete", "dmesg-incomplete=complete"}, I,
                        "the client never renamed dmesg-incomplete (no session for 60 s)"),
                Arguments.of(null, new String[] {"vmcore-dmesg.txt=complete"}, I, "no dump file was received"));
    }

    @ParameterizedTest(name = "[{index}] dumpFile={0} files={1} -> {2}")
    @MethodSource
    void whenQuiet(String dumpFile, String[] files, String state, String problem) {
        Ending e = DumpRules.whenQuiet(manifest(dumpFile, null, files), Duration.ofSeconds(60));
        assertEquals(state, e.state().wire(), "state");
        assertEquals(problem, e.problem(), "problem");
    }

    private static Manifest manifest(String dumpFile, String mode, String[] files) {
        Manifest m = new Manifest();
        m.id = "h@d";
        m.host = "h";
        m.transport = "ssh";
        m.dumpFile = dumpFile;
        m.steer = mode == null ? null : Map.of("mode", mode);
        Arrays.stream(files).forEach(f -> {
            String[] nameRest = f.split("=", 2);
            String[] stateProblem = nameRest[1].split(":", 2);
            FileEntry e = new FileEntry();
            e.state = DumpState.parse(stateProblem[0]);
            e.problem = stateProblem.length > 1 ? stateProblem[1] : null;
            m.files.put(nameRest[0], e);
        });
        return m;
    }
}
