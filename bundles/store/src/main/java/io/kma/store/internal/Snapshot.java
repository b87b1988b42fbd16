package io.kma.store.internal;

import java.util.Map;
import java.util.Set;

/**
 * One immutable state of the store, built once per scrape cycle and published through a volatile
 * field: readers never lock and never see a half-written cycle.
 *
 * @param nodes              node name → series
 * @param pods               namespace → pod name → series (two lookups, no key object per read)
 * @param carriedNodes       nodes whose failed scrape was bridged with their previous points in
 *                           this snapshot; a second consecutive failure drops them
 * @param servableNodes      nodes with usage
 * @param servablePods       pods with usage
 * @param servableContainers containers with usage (in served pods)
 */
record Snapshot(Map<String, NodeSeries> nodes, Map<String, Map<String, PodSeries>> pods,
        Set<String> carriedNodes, int servableNodes, int servablePods, int servableContainers) {

    static final Snapshot EMPTY = new Snapshot(Map.of(), Map.of(), Set.of(), 0, 0, 0);

    NodeSeries node(String name) {
        return nodes.get(name);
    }

    PodSeries pod(String namespace, String name) {
        Map<String, PodSeries> ns = pods.get(namespace);
        return ns == null ? null : ns.get(name);
    }

    boolean ready() {
        return servableNodes > 0 && servablePods > 0;
    }
}
