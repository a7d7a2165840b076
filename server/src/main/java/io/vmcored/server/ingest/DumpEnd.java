package io.vmcored.server.ingest;

/**
 * The answer to a sender's end of dump (TCP END, HTTP POST .../end): the dump's final state.
 *
 * @param id      the catalog id
 * @param state   complete or incomplete
 * @param problem why it is not complete, or null
 */
public record DumpEnd(String id, String state, String problem) {
}
