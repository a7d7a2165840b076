package io.vmcored.server.ingest;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Full dumps being sent, or granted and not yet started: the count the cap on concurrent full
 * uploads reads. A grant holds its slot for a lease (the sender starts within seconds of the
 * answer; one that never comes must not hold it for ever); an upload that started holds it
 * until it ends. Keyed by dump, so asking again or resuming does not take a second slot.
 */
final class FullUploadSlots {

    private static final long ACTIVE = Long.MAX_VALUE;

    private final Map<String, Long> slots = new HashMap<>();
    private final Duration lease;

    FullUploadSlots(Duration lease) {
        this.lease = lease;
    }

    /** Takes a slot for {@code dump} if fewer than {@code max} are held (0 = no cap); true if it holds one now. */
    synchronized boolean tryGrant(String dump, int max) {
        expire();
        if (slots.containsKey(dump)) {
            return true;
        }
        if (max > 0 && slots.size() >= max) {
            return false;
        }
        slots.put(dump, System.nanoTime() + lease.toNanos());
        return true;
    }

    /** The dump's upload started: its slot is held until {@link #release}, granted or not (a resume). */
    synchronized void started(String dump) {
        slots.put(dump, ACTIVE);
    }

    synchronized void release(String dump) {
        slots.remove(dump);
    }

    synchronized int held() {
        expire();
        return slots.size();
    }

    private void expire() {
        long now = System.nanoTime();
        slots.values().removeIf(until -> until != ACTIVE && until - now < 0);
    }
}
