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

    /** Applies one {@code analysis.*} or {@code events.*} key; false when the key is not one of them. */
    boolean set(String key, String v) {
        switch (key) {
            case "analysis.enabled" -> analysisEnabled = bool(key, v);
            case "analysis.threads" -> analysisThreads = Sizes.integer(key, v);
            case "analysis.queue" -> analysisQueue = Sizes.integer(key, v);
            case "analysis.top-signatures" -> topSignatures = Sizes.integer(key, v);
            case "events.exec" -> exec = v;
            case "events.exec-timeout" -> execTimeout = Sizes.duration(key, v);
            case "events.webhook" -> webhook = v;
            case "events.webhook-timeout" -> webhookTimeout = Sizes.duration(key, v);
            case "events.webhook-retries" -> webhookRetries = Sizes.integer(key, v);
            case "events.webhook-token" -> webhookToken = v;
            case "events.threads" -> eventThreads = Sizes.integer(key, v);
            case "events.queue" -> eventQueue = Sizes.integer(key, v);
            case "events.on" -> {
                events.clear();
                for (String e : v.split("[,\\s]+")) {
                    if (!e.isEmpty()) {
                        events.add(e.toLowerCase(Locale.ROOT));
                    }
                }
            }
            default -> {
                return false;
            }
        }
        return true;
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

    private static boolean bool(String key, String v) {
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(v);
        }
        throw new IllegalArgumentException(key + " = \"" + v + "\": expected true or false");
    }
}
