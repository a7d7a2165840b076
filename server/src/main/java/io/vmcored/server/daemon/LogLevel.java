package io.vmcored.server.daemon;

import ch.qos.logback.classic.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sets the level of vmcored's own loggers ({@code log.level}); libraries keep theirs (warnings only). */
final class LogLevel {

    private LogLevel() {
    }

    static void apply(String level) {
        Logger ours = LoggerFactory.getLogger("io.vmcored");
        if (ours instanceof ch.qos.logback.classic.Logger logback) {
            logback.setLevel(Level.toLevel(level, Level.INFO));
        }
    }
}
