package io.vmcored.server.http.console;

import io.vmcored.server.catalog.DumpState;
import io.vmcored.server.catalog.FileUpload;
import io.vmcored.server.catalog.UploadsInFlight;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The uploads in flight as people read them: bytes so far, rate (bytes/s, smoothed over the
 * last seconds), and the time left when the sender announced its length. The rate comes from
 * samples taken once a second by {@link EventHub}, so reading it costs nothing on the byte path.
 */
public final class UploadWatch {

    /** Weight of the newest second in the smoothed rate. */
    private static final double ALPHA = 0.5;

    private final UploadsInFlight inFlight;
    private final Map<FileUpload, Sample> samples = new ConcurrentHashMap<>();

    UploadWatch(UploadsInFlight inFlight) {
        this.inFlight = inFlight;
    }

    private static final class Sample {
        long position;
        long nanos;
        volatile double rate = -1;

        Sample(long position, long nanos) {
            this.position = position;
            this.nanos = nanos;
        }
    }

    /** Takes one sample of every running upload; true if any runs. */
    boolean sample() {
        List<FileUpload> now = inFlight.list();
        samples.keySet().retainAll(now);
        long t = System.nanoTime();
        for (FileUpload up : now) {
            long pos = up.position();
            Sample s = samples.get(up);
            if (s == null) {
                samples.put(up, new Sample(pos, t));
                continue;
            }
            double secs = (t - s.nanos) / 1e9;
            if (secs > 0.2) {
                double r = (pos - s.position) / secs;
                s.rate = s.rate < 0 ? r : ALPHA * r + (1 - ALPHA) * s.rate;
                s.position = pos;
                s.nanos = t;
            }
        }
        return !now.isEmpty();
    }

    /** {@code GET /api/v1/uploads}: every upload running, oldest first. */
    public List<Map<String, Object>> snapshot() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (FileUpload up : inFlight.list()) {
            out.add(view(up));
        }
        return out;
    }

    Map<String, Object> view(FileUpload up) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("dump", up.record().id());
        v.put("host", up.record().host());
        v.put("file", up.name());
        v.put("transport", up.transport().label());
        v.put("started", Instant.ofEpochMilli(up.startedMillis()).toString());
        long pos = up.position();
        long expected = up.expected();
        v.put("bytes", pos);
        v.put("from", up.from());
        v.put("expected", expected < 0 ? null : expected);
        Sample s = samples.get(up);
        double rate = s == null ? -1 : s.rate;
        v.put("rate", rate < 0 ? null : Math.round(rate));
        v.put("eta", expected < 0 || rate <= 0 ? null : Math.max(0, Math.round((expected - pos) / rate)));
        return v;
    }

    /**
     * The upload's final words: its view plus the file's state (the dump's own end follows:
     * its analysis, {@code dump-analyzed}, carries its state).
     */
    Map<String, Object> ended(FileUpload up) {
        Map<String, Object> v = view(up);
        samples.remove(up);
        DumpState file = up.record().fileState(up.name());
        v.put("fileState", file == null ? null : file.wire());
        return v;
    }
}
