package io.vmcored.server.ssh;

import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.helpers.TimeoutIndicator;

/** Why an SSH session ended under an upload, in the words a dump's problem uses. */
public final class SessionEnd {

    private SessionEnd() {
    }

    /** "no data for Ns (idle timeout)" when the server's idle timeout closed it, else {@code otherwise}. */
    public static String reason(Session session, String otherwise) {
        TimeoutIndicator t = session == null ? null : session.getTimeoutStatus();
        if (t != null && t.getStatus() == TimeoutIndicator.TimeoutStatus.IdleTimeout) {
            return "no data for " + t.getThresholdValue().toSeconds() + "s (idle timeout)";
        }
        return otherwise;
    }
}
