package io.vmcored.protocol.dmesg;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the crash in a kernel log (makedumpfile --dump-dmesg format) and computes a
 * signature that is the same for the same bug on every machine and boot:
 *
 * <pre>
 * sha-256( normalize(trigger) + "\n" + frame1 + "\n" + ... + frameN )[0..16)
 * normalize: drop "+0x../0x.." offsets, 0x-hex and long hex words, decimal numbers
 *            (pids, CPU numbers, sizes) become "N"
 * frames:    Call Trace entries without '?', offsets and compiler suffixes (.cold, .isra.N) removed
 * </pre>
 */
public final class PanicSummaryParser {

    /** Frames kept in the summary and the signature. */
    public static final int TOP_FRAMES = 5;

    private static final Pattern PREFIX = Pattern.compile("^\\[\\s*(\\d+\\.\\d+)\\] ?(.*)$");
    private static final Pattern TRIGGER = Pattern.compile(
            "^(BUG: .*|kernel BUG at .*|Oops: .*|general protection fault.*|Unable to handle kernel .*"
                    + "|Kernel panic - not syncing: .*)$");
    private static final Pattern PANIC = Pattern.compile("^Kernel panic - not syncing: .*$");
    private static final Pattern KERNEL_RIP = Pattern.compile("^RIP: 0010:(\\S+)");
    private static final Pattern FRAME = Pattern.compile("^\\s*([A-Za-z_.$][\\w.$]*)\\+0x[0-9a-f]+/0x[0-9a-f]+(\\s+\\[\\w+\\])?");
    private static final Set<String> PANIC_HELPERS = Set.of("dump_stack", "dump_stack_lvl", "show_stack", "panic",
            "vpanic", "__warn", "warn_slowpath_fmt", "oops_end", "die", "die_addr", "do_trap", "do_error_trap",
            "exc_invalid_op", "asm_exc_invalid_op", "handle_bug", "exc_general_protection",
            "asm_exc_general_protection", "page_fault_oops", "kernelmode_fixup_or_oops", "__bad_area_nosemaphore",
            "bad_area_nosemaphore", "do_user_addr_fault", "exc_page_fault", "asm_exc_page_fault", "no_context",
            "nmi_panic", "__die", "__die_body", "show_regs", "crash_kexec", "__crash_kexec");

    private PanicSummaryParser() {
    }

    /** The summary of the first crash in {@code log}, or null when the log shows none. */
    public static PanicSummary parse(String log) {
        List<String> text = new ArrayList<>();
        List<String> stamps = new ArrayList<>();
        for (String line : log.split("\n")) {
            Matcher m = PREFIX.matcher(line);
            stamps.add(m.matches() ? m.group(1) : null);
            text.add(m.matches() ? m.group(2) : line);
        }
        int trigger = -1;
        String panicLine = null;
        for (int i = 0; i < text.size(); i++) {
            String t = text.get(i).strip();
            if (trigger < 0 && TRIGGER.matcher(t).matches()) {
                trigger = i;
            }
            if (panicLine == null && PANIC.matcher(t).matches()) {
                panicLine = t;
            }
        }
        if (trigger < 0) {
            return null;
        }
        String rip = null;
        List<String> frames = new ArrayList<>();
        boolean inTrace = false;
        for (int i = trigger; i < text.size() && frames.size() < TOP_FRAMES + PANIC_HELPERS.size(); i++) {
            String t = text.get(i);
            Matcher r = KERNEL_RIP.matcher(t.strip());
            if (rip == null && r.find()) {
                rip = r.group(1);
            }
            if (t.strip().equals("Call Trace:")) {
                if (inTrace && !frames.isEmpty()) {
                    break; // a second trace belongs to a later event
                }
                inTrace = true;
                continue;
            }
            if (inTrace) {
                Matcher f = FRAME.matcher(t);
                if (f.find() && !t.strip().startsWith("?")) {
                    frames.add(cleanFrame(f.group(1)) + (f.group(2) == null ? "" : " " + f.group(2).strip()));
                } else if (t.strip().startsWith("</TASK>") || t.strip().startsWith("---[ end")) {
                    break;
                }
            }
        }
        List<String> top = topFrames(frames);
        String faulting = rip != null ? cleanFrame(rip.replaceAll("\\+0x.*$", "")) : top.isEmpty() ? null : top.get(0);
        String triggerLine = text.get(trigger).strip();
        return new PanicSummary(triggerLine, panicLine, faulting, rip, top, stamps.get(trigger),
                signature(triggerLine, top));
    }

    /** Frames past the panic/oops machinery: where the crash came from. */
    private static List<String> topFrames(List<String> frames) {
        int first = 0;
        while (first < frames.size() && PANIC_HELPERS.contains(frames.get(first).split(" ")[0])) {
            first++;
        }
        return List.copyOf(frames.subList(first, Math.min(frames.size(), first + TOP_FRAMES)));
    }

    static String cleanFrame(String fn) {
        return fn.replaceAll("\\.(cold|isra|constprop|part|lto_priv)(\\.\\d+)?", "");
    }

    static String normalize(String line) {
        return line.replaceAll("\\+0x[0-9a-fA-F]+/0x[0-9a-fA-F]+", "")
                .replaceAll("0x[0-9a-fA-F]+", "X")
                .replaceAll("\\b[0-9a-fA-F]{8,}\\b", "X")
                .replaceAll("\\d+", "N")
                .replaceAll("\\s+", " ")
                .strip();
    }

    static String signature(String trigger, List<String> frames) {
        StringBuilder s = new StringBuilder(normalize(trigger));
        for (String f : frames) {
            s.append('\n').append(f);
        }
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
