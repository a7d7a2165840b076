package io.vmcored.server.http.console;

/** A client key enrolled for SSH uploads, as the hosts listing shows it (never the key itself). */
public record EnrolledKey(String host, String type, String fingerprint, String comment) {
}
