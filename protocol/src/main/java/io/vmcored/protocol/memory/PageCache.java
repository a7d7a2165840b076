package io.vmcored.protocol.memory;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** A small LRU of decoded pages in front of a {@link PhysicalMemory} (page tables and rings are re-read often). */
final class PageCache {

    private static final byte[] ABSENT = new byte[0];

    private final PhysicalMemory memory;
    private final Map<Long, byte[]> pages;

    PageCache(PhysicalMemory memory, int capacity) {
        this.memory = memory;
        this.pages = new LinkedHashMap<>(capacity * 2, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The page's bytes, or null when the dump does not hold it. Callers must not modify the array. */
    byte[] page(long pfn) throws IOException {
        byte[] p = pages.get(pfn);
        if (p == null) {
            byte[] fresh = new byte[memory.pageSize()];
            p = memory.readPage(pfn, fresh) ? fresh : ABSENT;
            pages.put(pfn, p);
        }
        return p == ABSENT ? null : p;
    }

    int pageSize() {
        return memory.pageSize();
    }
}
