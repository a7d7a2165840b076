package io.vmcored.server.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vmcored.server.analysis.CrashAnalysis;
import io.vmcored.server.catalog.DumpCatalog;
import io.vmcored.server.http.console.Console;
import io.vmcored.server.ingest.Admission;
import io.vmcored.server.ingest.IngestService;
import io.vmcored.server.ingest.RefusalLog;
import io.vmcored.server.store.ObjectStore;
import java.time.Duration;
import java.util.concurrent.ExecutorService;

/**
 * What the HTTP API answers from.
 *
 * @param ingest      uploads (PUT, HEAD, end of dump)
 * @param catalog     reads: listings, a dump's manifest, downloads
 * @param access      who may read
 * @param crash       signature groups
 * @param registry    the metrics scraped at {@code /metrics}
 * @param files       blocking file work (downloads)
 * @param idleTimeout named in the problem of an upload cut for idleness
 * @param refusals    refused reads: logged and counted
 * @param console     the web console: logins, live events, keys, spool space
 * @param store       the object store that files freed from the spool are read from, or null
 */
public record HttpApi(IngestService ingest, DumpCatalog catalog, Admission access, CrashAnalysis crash,
                      PrometheusMeterRegistry registry, ExecutorService files, Duration idleTimeout,
                      RefusalLog refusals, Console console, ObjectStore store) {

    /** Without an object store: every file is in the spool. */
    public HttpApi(IngestService ingest, DumpCatalog catalog, Admission access, CrashAnalysis crash,
                   PrometheusMeterRegistry registry, ExecutorService files, Duration idleTimeout,
                   RefusalLog refusals, Console console) {
        this(ingest, catalog, access, crash, registry, files, idleTimeout, refusals, console, null);
    }
}
