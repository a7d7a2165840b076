package io.vmcored.server.tcp;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Words the first bytes of a bare stream for the operator's log when they are no dump: a
 * port scanner, a browser or a TLS client pointed at the ingest port should be recognisable
 * at a glance, anything else shows its bytes in hex.
 */
final class BareHead {

    private static final String[] HTTP_METHODS = {"GET ", "HEAD ", "POST ", "PUT ", "DELETE ", "OPTIONS ",
        "CONNECT ", "PATCH ", "TRACE ", "PRI "};

    private BareHead() {
    }

    /** What {@code head} (position..limit, not consumed) looks like, with its bytes in hex. */
    static String describe(ByteBuffer head) {
        byte[] b = new byte[head.remaining()];
        head.duplicate().get(b);
        return looksLike(b) + " (" + b.length + " bytes: " + HexFormat.of().formatHex(b) + ")";
    }

    private static String looksLike(byte[] b) {
        String ascii = new String(b, StandardCharsets.ISO_8859_1);
        for (String m : HTTP_METHODS) {
            if (ascii.startsWith(m)) {
                return "looks like an HTTP request";
            }
        }
        if (b.length >= 2 && b[0] == 0x16 && b[1] == 0x03) {
            return "looks like a TLS handshake";
        }
        if (ascii.startsWith("SSH-")) {
            return "looks like an SSH client";
        }
        String magic = HandshakeRequest.MAGIC;
        if (!ascii.isEmpty() && (ascii.startsWith(magic) || magic.startsWith(ascii))) {
            return "looks like an unfinished " + magic.trim() + " request line";
        }
        if (ascii.chars().allMatch(c -> c >= 0x20 && c < 0x7f || c == '\r' || c == '\n' || c == '\t')) {
            return "looks like text";
        }
        return "unknown bytes";
    }
}
