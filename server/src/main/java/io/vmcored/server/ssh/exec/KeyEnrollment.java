package io.vmcored.server.ssh.exec;

import io.vmcored.server.ssh.auth.AuthorizedKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ssh-copy-id's install step, {@code exec sh -c 'cd ; umask 077 ; ... cat >> "$AUTH_KEY_FILE" ...'}
 * with the keys on stdin. vmcored does not run it: it recognizes the shape and adds the keys to
 * its own store for the session's host. The only thing an enrollment-password login can do.
 */
final class KeyEnrollment implements InputConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(KeyEnrollment.class);

    /** Internal name the factory gives the recognized ssh-copy-id command. */
    static final String COMMAND = "vmcored-enroll-keys";
    static final int MAX_INPUT = 64 * 1024;
    private static final Pattern SSH_COPY_ID = Pattern.compile(
            "^\\s*exec\\s+sh\\s+-c\\s+'.*cat\\s+>>.*authorized_keys.*", Pattern.DOTALL);

    private final ExecContext ctx;
    private final ByteArrayOutputStream keys = new ByteArrayOutputStream();

    private KeyEnrollment(ExecContext ctx) {
        this.ctx = ctx;
    }

    static boolean matches(String commandLine) {
        return SSH_COPY_ID.matcher(commandLine).matches() || commandLine.contains(".ssh/authorized_keys") && commandLine.startsWith("exec sh -c");
    }

    static StepResult start(ExecContext ctx) {
        return StepResult.reading(new KeyEnrollment(ctx));
    }

    @Override
    public void data(ByteBuffer chunk) throws IOException {
        if (keys.size() + chunk.remaining() > MAX_INPUT) {
            throw new IOException("more than " + MAX_INPUT + " bytes of keys");
        }
        byte[] b = new byte[chunk.remaining()];
        chunk.get(b);
        keys.write(b);
    }

    @Override
    public int eof() throws IOException {
        String host = ctx.identity.host();
        List<AuthorizedKey> parsed = new ArrayList<>();
        for (String line : keys.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            try {
                parsed.add(AuthorizedKey.parsePublicKeyLine(host, line));
            } catch (IllegalArgumentException e) {
                ctx.error("ssh-copy-id", e.getMessage());
                return 1;
            }
        }
        if (parsed.isEmpty()) {
            ctx.error("ssh-copy-id", "no public key on stdin");
            return 1;
        }
        try {
            int added = ctx.keys.add(parsed);
            LOG.info("host={} keys enrolled={} offered={} via ssh-copy-id",
                    host, added, parsed.size());
        } catch (IllegalArgumentException e) {
            ctx.error("ssh-copy-id", e.getMessage());
            return 1;
        }
        return 0;
    }

    @Override
    public void abort(String why) {
        // nothing stored before EOF
    }
}
