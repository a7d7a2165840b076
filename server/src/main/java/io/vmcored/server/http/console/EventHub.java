package io.vmcored.server.http.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.netty.channel.Channel;
import io.vmcored.server.catalog.DumpRecord;
import io.vmcored.server.catalog.FileUpload;
import io.vmcored.server.catalog.ManifestIo;
import io.vmcored.server.catalog.UploadsInFlight;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server-sent events of {@code GET /api/v1/events} (docs/server.md, "Live events"): uploads
 * starting and ending (as they happen, from {@link UploadsInFlight}), their progress (one
 * {@code uploads} frame per second while any runs), dumps analyzed and deleted, and a comment
 * every 15 s that keeps proxies and the idle timeout from closing a quiet stream. Publishing
 * serializes once and hands the frame to each client's bounded queue ({@link EventStream}).
 */
public final class EventHub implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventHub.class);
    static final int PING_TICKS = 15;

    private final UploadWatch uploads;
    private final int maxClients;
    private final Set<EventStream> clients = ConcurrentHashMap.newKeySet();
    private ScheduledFuture<?> ticking;
    private int ticks;
    private boolean anyRunning;

    public EventHub(UploadsInFlight inFlight, int maxClients) {
        this.uploads = new UploadWatch(inFlight);
        this.maxClients = maxClients;
        inFlight.watch(new UploadsInFlight.Watcher() {
            @Override
            public void opened(FileUpload up) {
                publish("upload-started", uploads.view(up));
            }

            @Override
            public void ended(FileUpload up) {
                Map<String, Object> v = uploads.ended(up);
                publish("complete".equals(v.get("fileState")) ? "upload-completed" : "upload-failed", v);
            }
        });
    }

    /** Starts the once-a-second progress frames on {@code timer} (an event loop: the work is a few small objects). */
    public void start(ScheduledExecutorService timer) {
        ticking = timer.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    public UploadWatch uploads() {
        return uploads;
    }

    /** Event loop: a new client, answered with a snapshot of the uploads running; null when too many are connected. */
    public EventStream open(Channel channel) {
        clients.removeIf(EventStream::closed);
        if (clients.size() >= maxClients) {
            return null;
        }
        EventStream s = new EventStream(channel);
        clients.add(s);
        s.offer("retry: 2000\n\n");
        s.offer(frame("uploads", uploads.snapshot()));
        return s;
    }

    public void closed(EventStream s) {
        clients.remove(s);
    }

    /** Analysis thread: a dump's crash analysis was recorded. */
    public void analyzed(DumpRecord r) {
        publish("dump-analyzed", r.summary());
    }

    /** A dump was deleted by the operator. */
    public void deleted(String id, String host) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", id);
        v.put("host", host);
        publish("dump-deleted", v);
    }

    int clients() {
        return clients.size();
    }

    void publish(String event, Object data) {
        if (clients.isEmpty()) {
            return;
        }
        String f = frame(event, data);
        for (EventStream s : clients) {
            s.offer(f);
        }
    }

    private void tick() {
        try {
            boolean running = uploads.sample();
            if (running || anyRunning) {
                publish("uploads", uploads.snapshot()); // the last, empty one clears the page's list
            }
            anyRunning = running;
            if (++ticks % PING_TICKS == 0 && !clients.isEmpty()) {
                for (EventStream s : clients) {
                    s.offer(": ping\n\n");
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("live events: a progress tick failed ({})", e.toString());
        }
    }

    private static String frame(String event, Object data) {
        try {
            return "event: " + event + "\ndata: " + ManifestIo.json().writeValueAsString(data).replace("\n", "") + "\n\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event " + event + " cannot be written as JSON", e);
        }
    }

    /** Ends every stream (a graceful stop must not wait for browsers to go away). */
    @Override
    public void close() {
        if (ticking != null) {
            ticking.cancel(false);
        }
        for (EventStream s : clients) {
            s.close();
        }
        clients.clear();
    }
}
