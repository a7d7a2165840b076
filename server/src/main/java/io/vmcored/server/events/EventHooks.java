package io.vmcored.server.events;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vmcored.server.config.CrashSettings;
import java.net.URI;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events to the configured hooks on their own bounded executor. {@link #fire}
 * only queues (it is called from the analysis and file threads): a full queue drops the
 * run, counts it in {@code vmcored_events_dropped_total{hook}} and logs it. Each hook run
 * ends in one log line and one {@code vmcored_events_total{event,hook,outcome}} count.
 */
public final class EventHooks implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventHooks.class);
    private static final String[] OUTCOMES = {HookResult.OK, HookResult.FAILED, HookResult.TIMEOUT};

    /** The hooks as configured now: replaced whole by a reload, read once per event. */
    private record Hooks(Set<String> enabled, ExecHook exec, Webhook webhook) {
        static Hooks of(CrashSettings s) {
            return new Hooks(Set.copyOf(s.events), s.exec.isEmpty() ? null : new ExecHook(Path.of(s.exec), s.execTimeout),
                    s.webhook.isEmpty() ? null
                            : new Webhook(URI.create(s.webhook), s.webhookTimeout, s.webhookRetries, s.webhookToken));
        }

        boolean any() {
            return exec != null || webhook != null;
        }
    }

    private final MeterRegistry registry;
    private final int threads;
    private final int queue;
    private volatile Hooks hooks;
    /** Started with the first configured hook: no threads while there is none. */
    private volatile BoundedExecutor executor;

    public EventHooks(CrashSettings s, MeterRegistry registry) {
        this.registry = registry;
        this.threads = s.eventThreads;
        this.queue = s.eventQueue;
        reconfigure(s);
    }

    /**
     * Takes the hooks, their timeouts and the events that run them from {@code s} (a reload);
     * runs already queued finish with the hooks they were queued for. Threads and queue size
     * stay as started.
     */
    public synchronized void reconfigure(CrashSettings s) {
        Hooks next = Hooks.of(s);
        if (next.any() && executor == null) {
            executor = new BoundedExecutor("events", threads, queue);
        }
        for (String hook : new String[] {"exec", "webhook"}) {
            if (hook.equals("exec") ? next.exec() == null : next.webhook() == null) {
                continue; // series only for configured hooks
            }
            dropped(hook);
            for (String event : CrashSettings.EVENTS) {
                for (String outcome : OUTCOMES) {
                    runs(event, hook, outcome);
                }
            }
        }
        hooks = next;
    }

    /** Queues {@code e} for each configured hook; never blocks. */
    public void fire(DumpEvent e) {
        Hooks h = hooks;
        if (!h.any() || !h.enabled().contains(e.event())) {
            return;
        }
        if (h.exec() != null) {
            submit("exec", e, () -> h.exec().run(e));
        }
        if (h.webhook() != null) {
            submit("webhook", e, () -> h.webhook().post(e));
        }
    }

    private void submit(String hook, DumpEvent e, Supplier<HookResult> run) {
        boolean queued = executor.offer(() -> {
            HookResult r = run.get();
            runs(e.event(), hook, r.outcome()).increment();
            String line = "hook {} event={} host={} id={} outcome={} ({}) millis={}{}";
            Object[] args = {hook, e.event(), e.host(), e.dumpId(), r.outcome(), r.detail(), r.millis(),
                r.output().isEmpty() ? "" : " output=\"" + r.output() + "\""};
            if (r.outcome().equals(HookResult.OK)) {
                LOG.info(line, args);
            } else {
                LOG.warn(line, args);
            }
        });
        if (!queued) {
            dropped(hook).increment();
            LOG.warn("hook {} event={} host={} id={} outcome=dropped (events queue full or stopping)", hook,
                    e.event(), e.host(), e.dumpId());
        }
    }

    private Counter runs(String event, String hook, String outcome) {
        return Counter.builder("vmcored.events").description("Event hook runs, by event, hook and outcome")
                .tag("event", event).tag("hook", hook).tag("outcome", outcome).register(registry);
    }

    private Counter dropped(String hook) {
        return Counter.builder("vmcored.events.dropped")
                .description("Event hook runs dropped because the events queue was full").tag("hook", hook)
                .register(registry);
    }

    /** Lets queued runs finish (each is bounded by its timeout), then stops. */
    @Override
    public void close() {
        BoundedExecutor x = executor;
        if (x != null) {
            x.close(30);
        }
    }
}
