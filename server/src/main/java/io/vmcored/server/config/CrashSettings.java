package io.vmcored.server.config;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Crash analysis and event hooks ({@code analysis.*}, {@code events.*}; docs/server.md,
 * "Crash analysis and events"). Lives in this package because it shares the unit
 * parsers and the problem collector of {@link ServerConfig}.
 */
public final class CrashSettings {

    /** Event names accepted by {@code events.on}. */
    public static final Set<String> EVENTS = Set.of("dump-started", "dump-completed", "dump-failed", "new-signature");

    /** Kernel log extraction after a dump ends; false = no dmesg.txt, no signatures. */
    public boolean analysisEnabled = true;
    public int analysisThreads = 1;
    /** Dumps waiting for analysis; more are dropped (counted, logged) rather than queued without bound. */
    public int analysisQueue = 1024;
    /** Signature groups that get their own label on vmcored_crashes_total; the rest count as "other". */
    public int topSignatures = 10;

    /** Executable run for each event, "" = none. Absolute path; run without a shell. */
    public String exec = "";
    public Duration execTimeout = Duration.ofSeconds(30);
    /** URL that gets a JSON POST for each event, "" = none. */
    public String webhook = "";
    public Duration webhookTimeout = Duration.ofSeconds(10);
    public int webhookRetries = 2;
    /** Sent as "Authorization: Bearer ..." to the webhook when set. */
    public String webhookToken = "";
    public int eventThreads = 2;
    public int eventQueue = 1024;
    public final Set<String> events = new TreeSet<>(EVENTS);

    /** Adds the {@code analysis.*} and {@code events.*} keys to the settings table. */
    static void register() {
        Settings.restart("analysis.enabled", "Kernel log extraction and crash signatures after each dump.",
                (c, k, v) -> c.crash.analysisEnabled = Sizes.bool(k, v), c -> Boolean.toString(c.crash.analysisEnabled));
        Settings.restart("analysis.threads", "Analysis threads (1..64).",
                (c, k, v) -> c.crash.analysisThreads = Sizes.integer(k, v), c -> Integer.toString(c.crash.analysisThreads));
        Settings.restart("analysis.queue", "Dumps that may wait for analysis; more are dropped, counted and logged.",
                (c, k, v) -> c.crash.analysisQueue = Sizes.integer(k, v), c -> Integer.toString(c.crash.analysisQueue));
        Settings.restart("analysis.top-signatures", "Signature groups with their own vmcored_crashes_total series.",
                (c, k, v) -> c.crash.topSignatures = Sizes.integer(k, v), c -> Integer.toString(c.crash.topSignatures));
        Settings.reload("events.on", "Events that run the hooks, comma-separated: " + String.join(", ", new TreeSet<>(EVENTS)) + ".",
                (c, k, v) -> c.crash.events(v), c -> String.join(",", c.crash.events));
        Settings.reload("events.exec", "Absolute path of an executable run for each event, without a shell (empty = none).",
                (c, k, v) -> c.crash.exec = v, c -> c.crash.exec);
        Settings.reload("events.exec-timeout", "Kill the event executable after this long.",
                (c, k, v) -> c.crash.execTimeout = Sizes.duration(k, v), c -> Sizes.duration(c.crash.execTimeout));
        Settings.reload("events.webhook", "http(s) URL that gets a JSON POST for each event (empty = none).",
                (c, k, v) -> c.crash.webhook = v, c -> c.crash.webhook);
        Settings.reload("events.webhook-timeout", "Timeout of one webhook attempt.",
                (c, k, v) -> c.crash.webhookTimeout = Sizes.duration(k, v), c -> Sizes.duration(c.crash.webhookTimeout));
        Settings.reload("events.webhook-retries", "Webhook retries after a failed attempt (0..10).",
                (c, k, v) -> c.crash.webhookRetries = Sizes.integer(k, v), c -> Integer.toString(c.crash.webhookRetries));
        Settings.secret("events.webhook-token", "Sent to the webhook as \"Authorization: Bearer ...\" (empty = none).",
                (c, k, v) -> c.crash.webhookToken = v, c -> c.crash.webhookToken);
        Settings.restart("events.threads", "Threads that run the hooks (1..64).",
                (c, k, v) -> c.crash.eventThreads = Sizes.integer(k, v), c -> Integer.toString(c.crash.eventThreads));
        Settings.restart("events.queue", "Hook runs that may wait; more are dropped, counted and logged.",
                (c, k, v) -> c.crash.eventQueue = Sizes.integer(k, v), c -> Integer.toString(c.crash.eventQueue));
    }

    private void events(String list) {
        events.clear();
        for (String e : list.split("[,\\s]+")) {
            if (!e.isEmpty()) {
                events.add(e.toLowerCase(Locale.ROOT));
            }
        }
    }

    void validate(Problems p) {
        p.between("analysis.threads", analysisThreads, 1, 64);
        p.between("analysis.queue", analysisQueue, 1, 100_000);
        p.between("analysis.top-signatures", topSignatures, 0, 1000);
        if (!exec.isEmpty()) {
            Path x = Path.of(exec);
            if (!x.isAbsolute() || !Files.isRegularFile(x) || !Files.isExecutable(x)) {
                p.add("events.exec = \"" + exec + "\": expected the absolute path of an executable file");
            }
        }
        if (execTimeout.toMillis() < 100 || webhookTimeout.toMillis() < 100) {
            p.add("events.exec-timeout/webhook-timeout = " + execTimeout + "/" + webhookTimeout
                    + ": expected at least 100ms");
        }
        if (!webhook.isEmpty()) {
            try {
                URI u = URI.create(webhook);
                if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
                    throw new IllegalArgumentException("scheme");
                }
            } catch (IllegalArgumentException e) {
                p.add("events.webhook = \"" + webhook + "\": expected an http:// or https:// URL with a host");
            }
        }
        p.between("events.webhook-retries", webhookRetries, 0, 10);
        p.between("events.threads", eventThreads, 1, 64);
        p.between("events.queue", eventQueue, 1, 100_000);
        for (String e : events) {
            if (!EVENTS.contains(e)) {
                p.add("events.on: unknown event \"" + e + "\", expected some of " + new TreeSet<>(EVENTS));
            }
        }
    }
}
