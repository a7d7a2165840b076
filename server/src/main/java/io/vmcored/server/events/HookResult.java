package io.vmcored.server.events;

/**
 * How one hook run ended.
 *
 * @param outcome ok, failed or timeout (the metrics label)
 * @param detail  exit status, HTTP status or error, for the log line
 * @param millis  time taken, retries included
 * @param output  the hook's output or the receiver's answer, on one line, bounded
 */
record HookResult(String outcome, String detail, long millis, String output) {

    static final String OK = "ok";
    static final String FAILED = "failed";
    static final String TIMEOUT = "timeout";

    /** Newlines and control characters become " | " / spaces: the operator log stays one line per event. */
    static String oneLine(String s) {
        String t = s.strip().replaceAll("\\R+", " | ");
        StringBuilder b = new StringBuilder(t.length());
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? ' ' : c == '"' ? '\'' : c);
        }
        return b.toString();
    }
}
