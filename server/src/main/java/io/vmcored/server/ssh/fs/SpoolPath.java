package io.vmcored.server.ssh.fs;

/**
 * A client path mapped into one host's area: the area itself, a dump directory
 * {@code <spool>/<host>/<dir>/}, or a file {@code <spool>/<host>/<dir>/<file>}.
 * {@code clientPath} is the normalized path as the client spells it (for messages and mktemp).
 */
public record SpoolPath(String dir, String file, String clientPath) {

    public boolean isRoot() {
        return dir == null;
    }

    public boolean isDir() {
        return dir != null && file == null;
    }

    public boolean isFile() {
        return file != null;
    }

    /** This path with one more component (mv into a directory, scp -t DIR). */
    public SpoolPath child(String name) {
        String cp = clientPath.endsWith("/") ? clientPath + name : clientPath + "/" + name;
        if (isRoot()) {
            return new SpoolPath(ClientPaths.requireName(name), null, cp);
        }
        if (isDir()) {
            return new SpoolPath(dir, ClientPaths.requireName(name), cp);
        }
        throw new IllegalArgumentException(clientPath + ": not a directory");
    }

    public String lastName() {
        return isFile() ? file : dir;
    }
}
