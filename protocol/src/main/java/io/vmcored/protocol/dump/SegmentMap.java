package io.vmcored.protocol.dump;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where each byte of a flattened stream's output file lives in the stream: a set of
 * non-overlapping output ranges, each mapped to a stream position. Adding a record
 * cuts away whatever earlier records covered the same bytes, so the last record
 * covering a byte wins, as with {@code makedumpfile -R}'s positional writes.
 */
final class SegmentMap {

    /** An output range {@code [start, end)} whose bytes are at {@code streamPos..} in the stream. */
    record Segment(long start, long end, long streamPos) {
    }

    private final TreeMap<Long, Segment> segments = new TreeMap<>();

    void add(long start, long end, long streamPos) {
        Map.Entry<Long, Segment> floor = segments.floorEntry(start);
        if (floor != null && floor.getValue().end() > start) {
            Segment s = floor.getValue();
            segments.put(s.start(), new Segment(s.start(), start, s.streamPos()));
            if (s.end() > end) {
                segments.put(end, new Segment(end, s.end(), s.streamPos() + (end - s.start())));
            }
        }
        List<Segment> inside = new ArrayList<>(segments.subMap(start, true, end, false).values());
        for (Segment s : inside) {
            segments.remove(s.start());
            if (s.end() > end) {
                segments.put(end, new Segment(end, s.end(), s.streamPos() + (end - s.start())));
            }
        }
        segments.put(start, new Segment(start, end, streamPos));
    }

    /** The segment holding {@code offset}, or null when it falls in a hole. */
    Segment at(long offset) {
        Map.Entry<Long, Segment> floor = segments.floorEntry(offset);
        return floor != null && floor.getValue().end() > offset ? floor.getValue() : null;
    }

    /** Start of the first segment after {@code offset}, or {@code Long.MAX_VALUE}. */
    long nextStart(long offset) {
        Long next = segments.higherKey(offset);
        return next == null ? Long.MAX_VALUE : next;
    }

    int count() {
        return segments.size();
    }
}
