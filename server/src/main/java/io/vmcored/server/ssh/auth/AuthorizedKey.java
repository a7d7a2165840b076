package io.vmcored.server.ssh.auth;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * One line of vmcored's key store: {@code HOST KEYTYPE BASE64 [COMMENT]}.
 * Keys are matched by their canonical wire blob ({@link #blobId()}), so an RSA key offered
 * with rsa-sha2-256 or -512 matches its {@code ssh-rsa} line.
 */
public record AuthorizedKey(String host, String type, String base64, String comment) {

    public static final int MAX_LINE = 16 * 1024;

    public AuthorizedKey {
        HostNames.require(host);
    }

    /** {@code KEYTYPE BASE64}: the identity of the key itself. */
    public String blobId() {
        return type + " " + base64;
    }

    /** Parses {@code KEYTYPE BASE64 [COMMENT]} (an OpenSSH .pub line), checking that the key decodes. */
    public static AuthorizedKey parsePublicKeyLine(String host, String line) {
        String trimmed = line.strip();
        if (trimmed.length() > MAX_LINE) {
            throw new IllegalArgumentException("public key line is " + trimmed.length() + " characters, limit " + MAX_LINE);
        }
        String[] parts = trimmed.split("\\s+", 3);
        if (parts.length < 2) {
            throw new IllegalArgumentException("not a public key line (expected 'TYPE BASE64 [COMMENT]'): '" + abbreviate(trimmed) + "'");
        }
        PublicKey key = decode(parts[0] + " " + parts[1]);
        String canonical = PublicKeyEntry.toString(key);
        String[] c = canonical.split(" ");
        return new AuthorizedKey(host, c[0], c[1], parts.length > 2 ? parts[2].replaceAll("[\\r\\n]", " ") : "");
    }

    /** Parses one store line {@code HOST KEYTYPE BASE64 [COMMENT]}. */
    public static AuthorizedKey parseStoreLine(String line) {
        String[] parts = line.strip().split("\\s+", 2);
        if (parts.length < 2) {
            throw new IllegalArgumentException("store line has no key: '" + abbreviate(line) + "'");
        }
        return parsePublicKeyLine(parts[0], parts[1]);
    }

    public String toStoreLine() {
        return host + " " + type + " " + base64 + (comment.isEmpty() ? "" : " " + comment);
    }

    /** SHA256 fingerprint as ssh-keygen -l prints it. */
    public String fingerprint() {
        return KeyUtils.getFingerPrint(decode(blobId()));
    }

    /** The canonical {@code KEYTYPE BASE64} of a key a client offered. */
    public static String blobIdOf(PublicKey key) {
        String[] c = PublicKeyEntry.toString(key).split(" ");
        return c[0] + " " + c[1];
    }

    static PublicKey decode(String typeAndBase64) {
        try {
            PublicKey key = PublicKeyEntry.parsePublicKeyEntry(typeAndBase64)
                    .resolvePublicKey(null, null, PublicKeyEntryResolver.FAILING);
            if (key == null) {
                throw new IllegalArgumentException("unsupported key type in '" + abbreviate(typeAndBase64) + "'");
            }
            return key;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("cannot decode public key '" + abbreviate(typeAndBase64) + "': " + e.getMessage(), e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
