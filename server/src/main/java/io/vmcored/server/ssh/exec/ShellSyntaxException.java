package io.vmcored.server.ssh.exec;

/** A command line vmcored will not interpret; the message goes to the client's stderr. */
public final class ShellSyntaxException extends Exception {
    public ShellSyntaxException(String message) {
        super(message);
    }
}
