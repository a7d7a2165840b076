package io.vmcored.server.storage;

import java.nio.file.Path;

/**
 * Messages about a stored file that leave the server (manifests, the API, hooks, the web
 * console) name it as its dump directory does, never by the server's absolute path: an I/O
 * error or a reader's problem mentions the path it opened.
 */
public final class MessagePaths {

    private MessagePaths() {
    }

    /** {@code text} with the directory of {@code file} taken out of every path in it. */
    public static String withoutDirectory(String text, Path file) {
        if (text == null) {
            return null;
        }
        Path dir = file.toAbsolutePath().getParent();
        return dir == null ? text : text.replace(dir + "/", "");
    }

    /** The message of {@code e} (its class if it has none), without the directory of {@code file}. */
    public static String of(Throwable e, Path file) {
        return withoutDirectory(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), file);
    }
}
