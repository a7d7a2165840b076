package io.vmcored.server.http.console;

import io.vmcored.server.catalog.HostSummary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /api/v1/hosts}: every host that has dumps or an enrolled SSH key, by name: its
 * dumps per state, its newest dump, its keys' fingerprints.
 */
public final class HostList {

    private HostList() {
    }

    public static List<Map<String, Object>> build(List<HostSummary> hosts, List<EnrolledKey> keys) {
        Map<String, Map<String, Object>> byName = new TreeMap<>();
        for (HostSummary h : hosts) {
            Map<String, Object> v = entry(byName, h.host());
            v.put("dumps", h.dumps());
            v.put("perState", h.perState());
            v.put("last", h.last());
        }
        for (EnrolledKey k : keys) {
            Map<String, Object> key = new LinkedHashMap<>();
            key.put("type", k.type());
            key.put("fingerprint", k.fingerprint());
            key.put("comment", k.comment());
            @SuppressWarnings("unchecked")
            List<Object> list = (List<Object>) entry(byName, k.host()).get("keys");
            list.add(key);
        }
        return new ArrayList<>(byName.values());
    }

    private static Map<String, Object> entry(Map<String, Map<String, Object>> byName, String host) {
        return byName.computeIfAbsent(host, h -> {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("host", h);
            v.put("dumps", 0);
            v.put("perState", Map.of());
            v.put("last", null);
            v.put("keys", new ArrayList<>());
            return v;
        });
    }
}
