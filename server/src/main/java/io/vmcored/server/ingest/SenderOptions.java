package io.vmcored.server.ingest;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * What a sender says it used for the dump file (TCP handshake words, HTTP query parameters),
 * kept in the manifest as {@code sender}: only the known keys, and only short plain values,
 * since they come from the network and end up in JSON and logs.
 */
public final class SenderOptions {

    private static final String[] KEYS = {"level", "compress", "mode"};

    private SenderOptions() {
    }

    /** The known options {@code param} has (in a fixed order); values that are not short plain words are left out. */
    public static Map<String, String> from(Function<String, String> param) {
        Map<String, String> options = new LinkedHashMap<>();
        for (String k : KEYS) {
            String v = param.apply(k);
            if (v != null && v.matches("[A-Za-z0-9._-]{1,32}")) {
                options.put(k, v);
            }
        }
        return options;
    }
}
