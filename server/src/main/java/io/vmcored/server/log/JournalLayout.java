package io.vmcored.server.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * logback's pattern layout, with each line prefixed by its syslog priority when stderr is the
 * journal ({@link JournalStream}), so that {@code journalctl -p warning -u vmcored} shows the
 * warnings and errors; elsewhere lines are exactly the pattern's. Every line of a multi-line
 * event gets the prefix: journald stores each line as an entry of its own.
 */
public class JournalLayout extends PatternLayout {

    private boolean journal = JournalStream.stderr();

    /** For tests and for a logback.xml that wants to decide: {@code <journal>true</journal>}. */
    public void setJournal(boolean journal) {
        this.journal = journal;
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        String line = super.doLayout(event);
        if (!journal) {
            return line;
        }
        String prefix = JournalStream.prefix(priority(event.getLevel()));
        StringBuilder s = new StringBuilder(line.length() + 8);
        int start = 0;
        while (start < line.length()) {
            int nl = line.indexOf('\n', start);
            int end = nl < 0 ? line.length() : nl + 1;
            s.append(prefix).append(line, start, end);
            start = end;
        }
        return s.toString();
    }

    /** syslog(3) priorities: ERROR err (3), WARN warning (4), INFO info (6), DEBUG and TRACE debug (7). */
    static int priority(Level level) {
        return switch (level.toInt()) {
            case Level.ERROR_INT -> 3;
            case Level.WARN_INT -> 4;
            case Level.INFO_INT -> 6;
            default -> 7;
        };
    }
}
