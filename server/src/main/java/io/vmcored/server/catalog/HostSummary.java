package io.vmcored.server.catalog;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;

/**
 * One host as the hosts listing shows it: how many dumps it has, per state, and its newest one.
 *
 * @param perState dumps per state by wire name ({@code complete, incomplete, receiving, rejected})
 * @param last     its newest dump
 */
@JsonPropertyOrder({"host", "dumps", "perState", "last"})
public record HostSummary(String host, int dumps, Map<String, Integer> perState, DumpSummary last) {
}
