package io.vmcored.server.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vmcored.server.catalog.DumpRecord;
import io.vmcored.server.catalog.DumpSummary;
import io.vmcored.server.catalog.Manifest;
import io.vmcored.server.catalog.ManifestIo;
import io.vmcored.server.catalog.StoredCopy.StoredFile;
import io.vmcored.server.store.ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's requests on one dump: its manifest, its stored files, deleting it. Everything
 * touching the disk runs on a file thread. A file removed behind the catalog's back is a 404
 * naming the file and the dump, never a 500 or a server path: paths stay in the log.
 */
final class DumpRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(DumpRoutes.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final HttpApi api;
    private final ChannelHandlerContext ctx;
    private final boolean head;
    private final Consumer<FullHttpResponse> reply;

    DumpRoutes(HttpApi api, ChannelHandlerContext ctx, boolean head, Consumer<FullHttpResponse> reply) {
        this.api = api;
        this.ctx = ctx;
        this.head = head;
        this.reply = reply;
    }

    /** {@code GET|HEAD /dumps/{id}}: the manifest, read on a file thread (a cold record reads it from disk). */
    void manifest(DumpRecord r) {
        api.files().execute(() -> {
            Manifest m = snapshot(r);
            if (m != null) {
                reply.accept(Responses.json(HttpResponseStatus.OK, m));
            }
        });
    }

    /** {@code /dumps/{id}/vmcore}: the dump file, whatever the sender named it. */
    void dumpFile(DumpRecord r, String range) {
        String name = r.summary().dumpFile();
        if (name == null) {
            reply.accept(Responses.error(HttpResponseStatus.NOT_FOUND, "not_found", "dump " + r.id() + " has no dump file"));
            return;
        }
        api.files().execute(() -> download(r, name, range));
    }

    /** {@code /dumps/{id}/manifest.json}: the manifest file as stored. */
    void manifestFile(DumpRecord r, String range) {
        api.files().execute(() -> download(r, ManifestIo.FILE_NAME, range));
    }

    /** {@code /dumps/{id}/files/{name}}: only a file the manifest lists (never a stray or temporary one). */
    void file(DumpRecord r, String name, String range) {
        api.files().execute(() -> {
            Manifest m = snapshot(r);
            if (m == null) {
                return;
            }
            Set<String> listed = listed(m);
            if (listed.contains(name)) {
                download(r, name, range);
            } else {
                reply.accept(Responses.error(HttpResponseStatus.NOT_FOUND, "not_found", "dump " + r.id()
                        + " has no file \"" + name + "\"; its files: " + String.join(", ", listed)));
            }
        });
    }

    /** {@code DELETE /dumps/{id}}: never one in flight; the catalog forgets it, then its directory goes. */
    void delete(DumpRecord r) {
        Object peer = ctx.channel().remoteAddress();
        api.files().execute(() -> {
            try {
                api.catalog().delete(r);
            } catch (IllegalStateException e) {
                reply.accept(Responses.error(HttpResponseStatus.CONFLICT, "in_flight", "dump " + r.id()
                        + " is still being received (state " + r.state().wire() + "): not deleted; retry once it ended"));
                return;
            } catch (IOException | UncheckedIOException e) {
                LOG.warn("dump {} of host {}: deleting its directory {} for the operator at {} failed", r.id(), r.host(),
                        r.directory(), peer, e);
                reply.accept(Responses.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "storage", "dump " + r.id()
                        + ": removed from the catalog, but deleting its files failed (" + e.getClass().getSimpleName()
                        + "; see the server log)"));
                return;
            }
            LOG.info("dump {} of host {} deleted by the operator at {}", r.id(), r.host(), peer);
            api.console().events().deleted(r.id(), r.host());
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("id", r.id());
            body.put("host", r.host());
            body.put("deleted", true);
            reply.accept(Responses.json(HttpResponseStatus.OK, body));
        });
    }

    /** Every file the manifest names: received files, the dump file, the analysis' kernel logs. */
    static Set<String> listed(Manifest m) {
        Set<String> names = new TreeSet<>(m.files.keySet());
        if (m.dumpFile != null) {
            names.add(m.dumpFile);
        }
        if (m.analysis != null) {
            for (String key : new String[] {"dmesgFile", "clientDmesg"}) {
                if (m.analysis.get(key) instanceof String s) {
                    names.add(s);
                }
            }
        }
        return names;
    }

    /** What a download is saved as: {@code <host>-<yyyymmdd-hhmmss>-<name>}, created time in UTC, safe characters only. */
    static String filename(DumpRecord r, String name) {
        return filename(r.summary(), name);
    }

    static String filename(DumpSummary s, String name) {
        String raw = s.host() + "-" + STAMP.format(s.created()) + "-" + name;
        return raw.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** File thread: from the spool, or from the object store once the spool's copy was freed. */
    private void download(DumpRecord r, String name, String range) {
        try {
            Download.send(ctx, r.fileFor(name), range, head, filename(r, name), api.files());
        } catch (NoSuchFileException e) {
            fromStore(r, name, range);
        } catch (IOException | RuntimeException e) {
            LOG.warn("dump {}: reading {} for a download failed", r.id(), r.fileFor(name), e);
            reply.accept(Responses.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "storage", "dump " + r.id()
                    + ": file " + name + " cannot be read (" + e.getClass().getSimpleName() + "; see the server log)"));
        }
    }

    /** File thread: the bucket's copy of a file no longer in the spool, else 404. */
    private void fromStore(DumpRecord r, String name, String range) {
        ObjectStore store = api.store();
        Manifest m = store == null || ManifestIo.FILE_NAME.equals(name) ? null : snapshot(r);
        Optional<StoredFile> f = m == null ? Optional.empty() : ObjectStore.stored(m, name);
        if (f.isEmpty()) {
            if (m != null || store == null || ManifestIo.FILE_NAME.equals(name)) {
                reply.accept(missing(r, name));
            }
            return;
        }
        StoredDownload.send(ctx, store, r.summary(), name, f.get(), m.store.url, range, head, api.files(), reply);
    }

    /** File thread: the manifest, or null once the answer (its file missing or unreadable) was sent. */
    private Manifest snapshot(DumpRecord r) {
        try {
            return r.snapshot();
        } catch (UncheckedIOException e) {
            if (!ManifestIo.exists(r.directory())) {
                reply.accept(missing(r, ManifestIo.FILE_NAME));
            } else {
                LOG.warn("{}", e.getMessage(), e);
                reply.accept(Responses.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "storage", "dump " + r.id()
                        + ": its manifest cannot be read (see the server log)"));
            }
            return null;
        }
    }

    private static FullHttpResponse missing(DumpRecord r, String name) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", "missing_file");
        body.put("message", "file " + name + " of dump " + r.id() + " is missing from the spool (removed outside vmcored?)");
        body.put("dump", r.id());
        body.put("file", name);
        return Responses.json(HttpResponseStatus.NOT_FOUND, body);
    }
}
