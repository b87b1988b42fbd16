package io.kma.store.internal;

import io.kma.api.store.PodUsage;

/**
 * A pod's containers with their point pairs, as of the last scrape of its node.
 *
 * @param node       the node that reported the pod (to carry it over when that node's scrape fails)
 * @param containers container names, sorted, shared through the {@link StringInterner}
 * @param pairs      {@link PointPairs#WIDTH} longs per container, in the order of {@code containers}
 * @param usage      the servable usage, or null when the pod is not served
 */
record PodSeries(String node, String[] containers, long[] pairs, PodUsage usage) {

    int servedContainers() {
        return usage == null ? 0 : usage.containers().size();
    }
}
