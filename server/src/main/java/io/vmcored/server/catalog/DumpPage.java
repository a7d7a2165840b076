package io.vmcored.server.catalog;

import java.util.List;

/**
 * One page of a listing, newest first: the {@code GET /api/v1/dumps} answer.
 *
 * @param total dumps matching the filters, on every page (not only from the cursor on)
 * @param next  the cursor of the following page, null on the last one
 */
public record DumpPage(List<DumpSummary> items, long total, String next) {

    public DumpPage {
        items = List.copyOf(items);
    }

    public static DumpPage empty() {
        return new DumpPage(List.of(), 0, null);
    }
}
