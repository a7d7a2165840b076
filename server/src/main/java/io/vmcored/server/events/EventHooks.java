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

    private final Set<String> enabled;
    private final ExecHook exec;
    private final Webhook webhook;
    private final BoundedExecutor executor;
    private final MeterRegistry registry;

    public EventHooks(CrashSettings s, MeterRegistry registry) {
        this.enabled = Set.copyOf(s.events);
        this.exec = s.exec.isEmpty() ? null : new ExecHook(Path.of(s.exec), s.execTimeout);
        this.webhook = s.webhook.isEmpty() ? null
                : new Webhook(URI.create(s.webhook), s.webhookTimeout, s.webhookRetries, s.webhookToken);
        this.executor = exec == null && webhook == null ? null : new BoundedExecutor("events", s.eventThreads, s.eventQueue);
        this.registry = registry;
        for (String hook : new String[] {"exec", "webhook"}) {
            if (hook.equals("exec") ? exec == null : webhook == null) {
                continue; // series only for configured hooks
            }
            dropped(hook);
            for (String event : CrashSettings.EVENTS) {
                for (String outcome : OUTCOMES) {
                    runs(event, hook, outcome);
                }
            }
        }
    }

    /** Queues {@code e} for each configured hook; never blocks. */
    public void fire(DumpEvent e) {
        if (executor == null || !enabled.contains(e.event())) {
            return;
        }
        if (exec != null) {
            submit("exec", e, () -> exec.run(e));
        }
        if (webhook != null) {
            submit("webhook", e, () -> webhook.post(e));
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
        if (executor != null) {
            executor.close(30);
        }
    }
}
