package io.vmcored.server.http.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.vmcored.server.catalog.UploadsInFlight;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * One event-stream client: frames are written on its own event loop in order, and a client
 * that does not take them is cut at {@link EventStream#MAX_QUEUED} frames instead of growing a
 * queue or making the publisher wait. The hub takes a bounded number of clients.
 */
class EventStreamTest {

    @Test
    void framesGoOutInOrderOnTheChannelsLoop() {
        EmbeddedChannel ch = new EmbeddedChannel();
        EventStream s = new EventStream(ch);
        s.offer("event: a\ndata: 1\n\n");
        s.offer("event: b\ndata: 2\n\n");
        assertNull(ch.readOutbound(), "nothing is written on the publisher's thread");
        ch.runPendingTasks();
        assertEquals("event: a\ndata: 1\n\n", text(ch.readOutbound()));
        assertEquals("event: b\ndata: 2\n\n", text(ch.readOutbound()));
        assertNull(ch.readOutbound());
        assertFalse(s.closed());
    }

    @Test
    void aClientThatFallsBehindIsCutNotQueuedForever() {
        EmbeddedChannel ch = new EmbeddedChannel();
        EventStream s = new EventStream(ch);
        for (int i = 0; i < EventStream.MAX_QUEUED; i++) {
            s.offer("data: " + i + "\n\n"); // its loop never ran: the client took nothing
        }
        assertTrue(ch.isActive(), "a full queue is still served");
        s.offer("data: one too many\n\n");
        assertFalse(ch.isActive(), "one frame past the bound closes the client");
        assertTrue(s.closed());
        s.offer("data: after\n\n");
        ch.runPendingTasks();
        assertNull(ch.readOutbound(), "nothing is written to a cut client");
    }

    @Test
    void theHubTakesABoundedNumberOfClients() {
        EventHub hub = new EventHub(new UploadsInFlight(), 2);
        EmbeddedChannel a = new EmbeddedChannel();
        EmbeddedChannel b = new EmbeddedChannel();
        assertNotNull(hub.open(a));
        assertNotNull(hub.open(b));
        assertNull(hub.open(new EmbeddedChannel()), "a third client is refused");
        a.close();
        assertNotNull(hub.open(new EmbeddedChannel()), "a closed client's place is free again");
        b.runPendingTasks();
        assertEquals("retry: 2000\n\n", text(b.readOutbound()));
        assertEquals("event: uploads\ndata: []\n\n", text(b.readOutbound()), "a new client starts from a snapshot");
        hub.deleted("web1@2026-11-23-10:00:01", "web1");
        b.runPendingTasks();
        String frame = text(b.readOutbound());
        assertTrue(frame.startsWith("event: dump-deleted\ndata: {") && frame.contains("\"web1@2026-11-23-10:00:01\"")
                && frame.endsWith("}\n\n") && frame.indexOf('\n') == frame.lastIndexOf("\ndata") , frame);
        hub.close();
        assertFalse(b.isActive(), "closing the hub ends every stream");
    }

    private static String text(Object msg) {
        HttpContent c = (HttpContent) msg;
        try {
            return c.content().toString(StandardCharsets.UTF_8);
        } finally {
            c.release();
        }
    }
}
