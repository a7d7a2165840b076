package io.vmcored.server.ssh.exec;

import java.util.List;

/**
 * One command of a chain: its words (quotes removed), an optional output redirect, and how it
 * is joined to the previous command ({@code &&}: only if that succeeded; {@code ;}: always).
 */
public record SimpleCommand(List<String> words, String redirect, boolean append, boolean onlyIfPreviousSucceeded) {

    public String name() {
        return words.get(0);
    }

    public List<String> args() {
        return words.subList(1, words.size());
    }

    @Override
    public String toString() {
        return String.join(" ", words) + (redirect == null ? "" : (append ? " >> " : " > ") + redirect);
    }
}
