package io.vmcored.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.server.config.ConfigException;
import io.vmcored.server.config.ServerConfig;
import io.vmcored.server.config.Settings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The store.* keys: parsed, shown back by check-config, validated with messages naming key, value and expectation. */
class StoreSettingsTest {

    @Test
    void urlSplitsIntoBucketAndAPrefixEndingInASlash() {
        assertEquals(new StoreUrl("dumps", "fleet/a/"), StoreUrl.parse("s3://dumps/fleet/a"), "prefix without slash");
        assertEquals(new StoreUrl("dumps", "fleet/"), StoreUrl.parse("s3://dumps//fleet//"), "extra slashes");
        assertEquals(new StoreUrl("dumps", ""), StoreUrl.parse("s3://dumps"), "no prefix");
        assertEquals("s3://dumps/fleet/x", new StoreUrl("dumps", "fleet/").url("fleet/x"), "url of a key");
    }

    @Test
    void storeKeysAreInTheSettingsTableAndShownBack() {
        ServerConfig c = new ServerConfig();
        c.set("store.url", "s3://crash-dumps/fleet");
        c.set("store.s3-endpoint", "http://127.0.0.1:9000");
        c.set("store.cache-size", "10G");
        var values = Settings.values(c.validate());
        assertEquals("s3://crash-dumps/fleet", values.get("store.url"), "check-config shows store.url");
        assertEquals("http://127.0.0.1:9000", values.get("store.s3-endpoint"), "and the endpoint");
        assertEquals("10G", values.get("store.cache-size"), "and the cache size");
        assertTrue(Settings.template().contains("#store.url ="), "the shipped template lists store.url");
    }

    @Test
    void badValuesAreNamedWithWhatWasExpected() {
        ServerConfig c = new ServerConfig();
        c.set("store.url", "https://bucket");
        c.set("store.s3-endpoint", "minio:9000");
        c.set("store.part-size", "1M");
        ConfigException e = assertThrows(ConfigException.class, c::validate);
        String m = e.getMessage();
        assertTrue(m.contains("store.url = \"https://bucket\": expected s3://BUCKET"), m);
        assertTrue(m.contains("store.s3-endpoint = \"minio:9000\": expected an http:// or https:// URL"), m);
        assertTrue(m.contains("store.part-size = 1048576: expected 5242880..5368709120"), m);
    }

    @Test
    void backoffDoublesUpToItsMaximum() {
        Backoff b = new Backoff(Duration.ofSeconds(5), Duration.ofMinutes(1));
        assertEquals(Duration.ofSeconds(5), b.after(1), "first wait");
        assertEquals(Duration.ofSeconds(10), b.after(2), "doubled");
        assertEquals(Duration.ofSeconds(40), b.after(4), "doubled twice more");
        assertEquals(Duration.ofMinutes(1), b.after(5), "capped");
        assertEquals(Duration.ofMinutes(1), b.after(1000), "no overflow");
    }
}
