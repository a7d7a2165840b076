package io.vmcored.server.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The object store's meters: {@code vmcored_store_uploads_total{outcome}} (uploaded, failed,
 * rejected: retrying cannot help), {@code vmcored_store_uploaded_bytes_total},
 * {@code vmcored_store_pending_dumps} (finished dumps waiting for the bucket),
 * {@code vmcored_store_deletes_total{outcome}}, {@code vmcored_store_reads_total{how}}
 * (downloads relayed from the bucket or redirected), and {@code vmcored_store_down}
 * (1 while the bucket has been unreachable longer than store.down-after).
 */
final class StoreMetrics {

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Counter bytes;

    StoreMetrics(MeterRegistry registry, Supplier<Number> pending, Supplier<Boolean> down) {
        this.registry = registry;
        this.bytes = Counter.builder("vmcored_store_uploaded_bytes").description("Bytes uploaded to the object store")
                .register(registry);
        Gauge.builder("vmcored_store_pending_dumps", () -> pending.get().doubleValue())
                .description("Finished dumps waiting to be uploaded to the object store").register(registry);
        Gauge.builder("vmcored_store_down", () -> down.get() ? 1 : 0)
                .description("1 while the object store has been unreachable longer than store.down-after")
                .register(registry);
        for (String outcome : new String[] {"uploaded", "failed", "rejected"}) {
            counter("vmcored_store_uploads", "outcome", outcome, "Dump uploads to the object store, by outcome");
        }
    }

    void upload(String outcome, long size) {
        counter("vmcored_store_uploads", "outcome", outcome, "Dump uploads to the object store, by outcome").increment();
        if (size > 0) {
            bytes.increment(size);
        }
    }

    void delete(String outcome) {
        counter("vmcored_store_deletes", "outcome", outcome, "Dumps deleted from the object store, by outcome").increment();
    }

    void read(String how) {
        counter("vmcored_store_reads", "how", how, "Downloads served from the object store (relayed or redirected)")
                .increment();
    }

    private Counter counter(String name, String tag, String value, String doc) {
        return counters.computeIfAbsent(name + "/" + value,
                k -> Counter.builder(name).tag(tag, value).description(doc).register(registry));
    }
}
