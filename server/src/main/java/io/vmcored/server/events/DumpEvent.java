package io.vmcored.server.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One event for the hooks (docs/server.md, "Crash analysis and events"): what happened to
 * which dump, and what crashed when the analysis found it. Crash fields are null when
 * unknown (dump-started, a dump without a readable log, analysis off or dropped).
 *
 * @param event      dump-started, dump-completed, dump-failed or new-signature
 * @param dumpFile   absolute path of the dump file, or null
 * @param dmesg      absolute path of the kernel log file the crash was read from, or null
 * @param groupCount dumps in this signature's group, this one included, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DumpEvent(String event, String dumpId, String host, String state, String transport, String dumpDir,
                        String dumpFile, String problem, String time, String signature, String panicLine,
                        String trigger, String faultingFunction, List<String> topFrames, String kernelRelease,
                        String uptime, String dmesg, Integer groupCount) {

    public static final String STARTED = "dump-started";
    public static final String COMPLETED = "dump-completed";
    public static final String FAILED = "dump-failed";
    public static final String NEW_SIGNATURE = "new-signature";

    /** Longest environment value passed to a hook; kernel log lines are untrusted text. */
    static final int MAX_ENV = 4096;

    /** The hook process environment, VMCORED_* names; unknown values are left out. */
    Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        put(env, "VMCORED_EVENT", event);
        put(env, "VMCORED_DUMP_ID", dumpId);
        put(env, "VMCORED_HOST", host);
        put(env, "VMCORED_STATE", state);
        put(env, "VMCORED_TRANSPORT", transport);
        put(env, "VMCORED_DUMP_DIR", dumpDir);
        put(env, "VMCORED_DUMP_FILE", dumpFile);
        put(env, "VMCORED_PROBLEM", problem);
        put(env, "VMCORED_TIME", time);
        put(env, "VMCORED_SIGNATURE", signature);
        put(env, "VMCORED_PANIC", panicLine != null ? panicLine : trigger);
        put(env, "VMCORED_TRIGGER", trigger);
        put(env, "VMCORED_FUNCTION", faultingFunction);
        put(env, "VMCORED_FRAMES", topFrames == null ? null : String.join(";", topFrames));
        put(env, "VMCORED_KERNEL", kernelRelease);
        put(env, "VMCORED_UPTIME", uptime);
        put(env, "VMCORED_DMESG", dmesg);
        put(env, "VMCORED_GROUP_COUNT", groupCount == null ? null : groupCount.toString());
        return env;
    }

    /** Every VMCORED_* name a hook may get: the runner removes inherited ones not set by this event. */
    static List<String> environmentNames() {
        return List.copyOf(new DumpEvent("", "", "", "", "", "", "", "", "", "", "", "", "", List.of(), "", "", "", 0)
                .environment().keySet());
    }

    private static void put(Map<String, String> env, String name, String value) {
        if (value == null) {
            return;
        }
        StringBuilder s = new StringBuilder(Math.min(value.length(), MAX_ENV));
        for (int i = 0; i < value.length() && s.length() < MAX_ENV; i++) {
            char c = value.charAt(i);
            s.append(c < 0x20 || c == 0x7f ? ' ' : c);
        }
        env.put(name, s.toString());
    }
}
