package io.vmcored.server.tcp;

import io.vmcored.server.ingest.IngestService;
import io.vmcored.server.ingest.SenderOptions;
import io.vmcored.server.ingest.UploadRequest;
import io.vmcored.server.storage.SpoolLayout;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The agent's one-line request (docs/protocol.md):
 * <pre>
 * VMCORED/1 HELLO host=H dump=ID [file=F] [token=T]\n          -&gt; one reply line, close
 * VMCORED/1 PUT   host=H dump=ID [file=F] offset=N [level=L compress=C] [token=T]\n  stream bytes from N .. EOF -&gt; reply line
 * VMCORED/1 END   host=H dump=ID [token=T]\n                    -&gt; reply line with the dump's final state
 * </pre>
 * At most {@link #MAX_LINE} bytes, ASCII, space-separated {@code key=value} words.
 */
record HandshakeRequest(String verb, String host, String dumpId, String file, long offset, String token,
                        Map<String, String> options) {

    static final String MAGIC = "VMCORED/1 ";
    static final int MAX_LINE = 1024;

    static HandshakeRequest parse(String line) {
        String[] words = line.trim().split(" +");
        if (words.length < 2 || !words[0].equals(MAGIC.trim())) {
            throw new IllegalArgumentException("request line must start with \"" + MAGIC + "VERB\"");
        }
        String verb = words[1].toUpperCase(Locale.ROOT);
        if (!verb.matches("HELLO|PUT|END")) {
            throw new IllegalArgumentException("verb \"" + words[1] + "\": expected HELLO, PUT or END");
        }
        Map<String, String> kv = new LinkedHashMap<>();
        for (int i = 2; i < words.length; i++) {
            int eq = words[i].indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("word \"" + words[i] + "\": expected key=value");
            }
            kv.put(words[i].substring(0, eq), words[i].substring(eq + 1));
        }
        String host = SpoolLayout.checkHost(require(kv, "host"));
        String dump = require(kv, "dump");
        if (!dump.matches("[A-Za-z0-9._:-]{1,128}")) {
            throw new IllegalArgumentException("dump \"" + dump + "\": expected 1..128 of A-Z a-z 0-9 . _ : -");
        }
        String file = UploadRequest.checkFile(kv.getOrDefault("file", IngestService.MAIN_FILE));
        long offset = 0;
        if (kv.containsKey("offset")) {
            try {
                offset = Long.parseLong(kv.get("offset"));
            } catch (NumberFormatException e) {
                offset = -1;
            }
            if (offset < 0) {
                throw new IllegalArgumentException("offset \"" + kv.get("offset") + "\": expected a byte count >= 0");
            }
        }
        if (verb.equals("PUT") && !kv.containsKey("offset")) {
            throw new IllegalArgumentException("PUT needs offset=N (0 for a new upload)");
        }
        return new HandshakeRequest(verb, host, dump, file, offset, kv.get("token"), SenderOptions.from(kv::get));
    }

    /** The request in the ingest service's terms; {@code peer} is the sender's address. */
    UploadRequest upload(String peer) {
        return new UploadRequest(host, dumpId, file, offset, token, options, peer);
    }

    private static String require(Map<String, String> kv, String key) {
        String v = kv.get(key);
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException("missing " + key + "=...");
        }
        return v;
    }
}
