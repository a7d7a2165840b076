package io.vmcored.protocol.dmesg;

import java.util.List;

/**
 * What crashed, read from the kernel log.
 *
 * @param trigger        the first crash line: "BUG: ...", "Oops: ...", "general protection fault...",
 *                       "kernel BUG at ...", else the panic line
 * @param panicLine      the "Kernel panic - not syncing: ..." line, or null
 * @param faultingFunction kernel RIP function, else the first Call Trace frame past the panic helpers
 * @param rip            the kernel-mode "RIP: 0010:" function with offset, or null
 * @param topFrames      first reliable Call Trace frames (no '?' guesses), offsets removed
 * @param uptime         seconds since boot at the trigger line, as printed ("1.560273"), or null
 * @param signature      16 hex digits of the sha-256 of the normalized trigger and top frames
 */
public record PanicSummary(String trigger, String panicLine, String faultingFunction, String rip,
                           List<String> topFrames, String uptime, String signature) {
}
